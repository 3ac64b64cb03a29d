"""The severity of each quality check: errors (they block publication) or warnings (shown to
stewards and reviewers). Set by TOWNSQUARE_QUALITY_ERRORS. (Who may do what is in the apps'
``policies.py``; what an organization's changes need signed is its approval policy.)"""

from __future__ import annotations

from django.conf import settings

from townsquare.datastore.validate import CHECKS

__all__ = ["CHECKS", "severity", "summary"]


def severity(check: str) -> str:
    return "error" if check in settings.QUALITY_ERRORS else "warning"


def summary() -> dict[str, object]:
    """The severities in force, to show people what blocks and what warns."""
    return {
        "errors": [c for c in CHECKS if severity(c) == "error"],
        "warnings": [c for c in CHECKS if severity(c) == "warning"],
        "privacy_sign_off": settings.QUALITY_PRIVACY_SIGN_OFF,
        "small_cell": settings.QUALITY_SMALL_CELL,
    }
