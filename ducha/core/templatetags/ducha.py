"""Template helpers shared by every module."""

from django import template

from ducha.core.audit import readable_history

register = template.Library()


@register.filter
def readable(entries):
    """Audit entries with choice labels and names in place of codes and ids (history panels)."""
    return readable_history(entries)
