from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def facet_toggle(context: template.Context, facet: str, value: str) -> str:
    """The current search's query string with one facet value added, or removed if present;
    back to the first page either way."""
    params = context["request"].GET.copy()
    values = params.getlist(facet)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    params.setlist(facet, values)
    params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
