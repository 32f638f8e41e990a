from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """``{{ response|get:stem_id }}`` for dict responses (matching questions)."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def position(order, item_id):
    """1-based place of an item in a saved ordering answer (a list, or {"partial": {id: place}})."""
    if isinstance(order, list) and item_id in order:
        return order.index(item_id) + 1
    if isinstance(order, dict):
        return (order.get("partial") or {}).get(item_id)
    return None
