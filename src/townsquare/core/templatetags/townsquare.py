from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from townsquare.core import markdown as md
from townsquare.core.uploads import human_size

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return mark_safe(md.render(text))  # noqa: S308  (md.render sanitizes with an allowlist)


@register.filter
def filesize(size: int | None) -> str:
    return human_size(size)


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def markdown_text(text: str) -> str:
    """The words of a Markdown text without markup (escaped by the template as usual)."""
    return md.plain_text(text)
