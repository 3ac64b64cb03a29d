"""Workflow facts other apps' pages show: where a change stands, and whether an organization
has the people its approval policy needs (on the Members page)."""

from __future__ import annotations

from typing import Any

from django import template

from townsquare.governance import approval, selectors

register = template.Library()


@register.filter
def waiting_for(change: Any) -> str:
    return approval.waiting_for(change)


@register.filter
def missing_signers(change: Any) -> str:
    return approval.missing_signers(change) or ""


@register.inclusion_tag("governance/_role_readiness.html")
def role_readiness(organization: Any) -> dict[str, Any]:
    needs = selectors.role_readiness(organization=organization)
    return {
        "organization": organization,
        "needs": needs,
        "ready": all(n.ready for n in needs),
        "stuck": selectors.stuck_changes(organization=organization),
    }
