from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "ducha.policies"
    label = "policies"
    verbose_name = "政策库"

    def ready(self):
        from ducha.core.api import register_history_model
        from ducha.core.registry import (
            register_demo_step,
            register_exporter,
            register_home_widget,
            register_importer,
        )
        from ducha.policies import jobs  # noqa: F401  (registers the "reindex" job handler)
        from ducha.policies.models import Policy

        register_importer("policies", "ducha.policies.importers.PolicyImporter")
        register_exporter("policies", "ducha.policies.importers.export_policies")
        register_importer("policy_enterprises", "ducha.policies.importers.PolicyEnterpriseImporter")
        register_exporter("policy_enterprises", "ducha.policies.importers.export_policy_enterprises")
        register_home_widget("ducha.policies.widgets.home_cards")
        register_demo_step(30, "ducha.policies.demo.build")
        register_history_model("policies.policy", Policy)
