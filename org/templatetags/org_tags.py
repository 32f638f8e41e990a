"""Template helpers for unit pages."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def kind_name(value) -> str:
    """The unit type's name in the page's language: a values() row (``kind__name``...) or a UnitKind."""
    if isinstance(value, dict):
        name, name_en = value.get("kind__name", ""), value.get("kind__name_en", "")
    else:
        name, name_en = value.name, value.name_en
    if (get_language() or "vi").startswith("en") and name_en:
        return name_en
    return name
