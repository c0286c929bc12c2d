"""Importers, exporters, demo steps and periodic scans of every module, by name.

Modules register theirs in ``AppConfig.ready`` so that core never imports them.
"""

from django.utils.module_loading import import_string

IMPORTERS: dict[str, str] = {
    "regions": "ducha.core.importers.RegionImporter",
    "holidays": "ducha.core.importers.HolidayImporter",
    "departments": "ducha.core.importers.DepartmentImporter",
    "users": "ducha.core.importers.UserImporter",
}
EXPORTERS: dict[str, str] = {
    "regions": "ducha.core.exporters.export_regions",
    "holidays": "ducha.core.exporters.export_holidays",
    "departments": "ducha.core.exporters.export_departments",
    "users": "ducha.core.exporters.export_users",
}
# (order, dotted path of fn(rng, scale, echo)) run by ``ducha demo`` after the core data.
DEMO_STEPS: list[tuple[int, str]] = []
# dotted paths of zero-argument scans run by ``ducha tick``; each must be idempotent.
TICK_HANDLERS: list[str] = []
# dotted paths of fn(user) -> list of home-page cards {"label", "value", "url", "help", "tone"}.
HOME_WIDGETS: list[str] = []


def register_importer(name: str, dotted: str) -> None:
    IMPORTERS[name] = dotted


def register_exporter(name: str, dotted: str) -> None:
    EXPORTERS[name] = dotted


def register_demo_step(order: int, dotted: str) -> None:
    if (order, dotted) not in DEMO_STEPS:
        DEMO_STEPS.append((order, dotted))
        DEMO_STEPS.sort()


def register_tick(dotted: str) -> None:
    if dotted not in TICK_HANDLERS:
        TICK_HANDLERS.append(dotted)


def register_home_widget(dotted: str) -> None:
    if dotted not in HOME_WIDGETS:
        HOME_WIDGETS.append(dotted)


def importer_for(name: str):
    if name not in IMPORTERS:
        raise KeyError(name)
    return import_string(IMPORTERS[name])


def exporter_for(name: str):
    if name not in EXPORTERS:
        raise KeyError(name)
    return import_string(EXPORTERS[name])
