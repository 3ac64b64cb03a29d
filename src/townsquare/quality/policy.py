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
