"""The site's quality policy: which checks are errors (they block publication) and which are
warnings (shown to stewards and reviewers). Set by TOWNSQUARE_QUALITY_ERRORS."""

from __future__ import annotations

from django.conf import settings

CHECKS = (
    "required",
    "unique",
    "enum",
    "minimum",
    "maximum",
    "pattern",
    "min_length",
    "max_length",
    "cast_failure",
    "ragged_rows",
    "empty_column",
    "duplicate_rows",
    "duplicate_header",
    "blank_header",
    "outliers",
    "implausible_date",
)


def severity(check: str) -> str:
    return "error" if check in settings.QUALITY_ERRORS else "warning"


def summary() -> dict[str, object]:
    """The quality policy in force, to show people what blocks and what warns."""
    return {
        "errors": [c for c in CHECKS if severity(c) == "error"],
        "warnings": [c for c in CHECKS if severity(c) == "warning"],
        "privacy_sign_off": settings.QUALITY_PRIVACY_SIGN_OFF,
        "small_cell": settings.QUALITY_SMALL_CELL,
    }
