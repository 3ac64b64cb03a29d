"""An event's before and after, as a person reads them: one line per field that changed."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()
LONGEST = 120  # characters of a value shown; the CSV and JSON downloads have it whole


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        text = ", ".join(_shown(v) for v in value) or "none"
    elif isinstance(value, dict):
        text = "; ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    else:
        text = str(value)
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"


@register.filter
def changes(event: Any) -> list[dict[str, str]]:
    """[{"field", "before", "after"}] for the event's fields, in the order it recorded them."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    rows = []
    for name in [*before, *(k for k in after if k not in before)]:
        rows.append(
            {
                "field": str(name).replace("_", " "),
                "before": _shown(before[name]) if name in before else "",
                "after": _shown(after[name]) if name in after else "",
            }
        )
    if not before and event.before not in (None, {}):
        rows.append({"field": "before", "before": _shown(event.before), "after": ""})
    if not after and event.after not in (None, {}):
        rows.append({"field": "after", "before": "", "after": _shown(event.after)})
    return rows
