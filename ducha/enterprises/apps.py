from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "ducha.enterprises"
    label = "enterprises"
    verbose_name = "市场主体库"

    def ready(self):
        from ducha.core.api import register_history_model
        from ducha.core.registry import (
            register_demo_step,
            register_exporter,
            register_home_widget,
            register_importer,
        )
        from ducha.enterprises.models import Enterprise

        register_importer("enterprises", "ducha.enterprises.importers.EnterpriseImporter")
        register_exporter("enterprises", "ducha.enterprises.importers.export_enterprises")
        register_home_widget("ducha.enterprises.widgets.home_cards")
        register_demo_step(20, "ducha.enterprises.demo.build")
        register_history_model("enterprises.enterprise", Enterprise)
