from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "ducha.problems"
    label = "problems"
    verbose_name = "问题台账"

    def ready(self):
        from ducha.core.api import register_history_model
        from ducha.core.audit import EXTRA_CHANGE_LABELS
        from ducha.core.registry import (
            register_demo_step,
            register_exporter,
            register_home_widget,
            register_importer,
            register_tick,
        )
        from ducha.problems.models import Problem

        register_importer("problems", "ducha.problems.importers.ProblemImporter")
        register_exporter("problems", "ducha.problems.importers.export_problems")
        register_demo_step(40, "ducha.problems.demo.build_problems")
        register_tick("ducha.problems.tick.scan_deadlines")
        register_history_model("problems.problem", Problem)
        register_home_widget("ducha.problems.home.home_cards")
        # Keys the problem services record that are not model fields, named for the history panel.
        EXTRA_CHANGE_LABELS.update({"note": "意见/说明", "progress": "整改进展", "merged": "合并问题",
                                    "evidence_moved": "转移佐证材料(份)"})
