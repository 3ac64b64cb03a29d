"""System checks of the quality settings: a misspelt check in TOWNSQUARE_QUALITY_ERRORS would
silently turn a blocking error into a warning, so the portal refuses to start with one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from townsquare.quality.severity import CHECKS


@register()
def check_quality_errors(app_configs: Any, **kwargs: Any) -> list[Error]:
    unknown = [name for name in settings.QUALITY_ERRORS if name not in CHECKS]
    if not unknown:
        return []
    return [
        Error(
            f"TOWNSQUARE_QUALITY_ERRORS names checks that do not exist: {', '.join(unknown)}.",
            hint=f"The checks are: {', '.join(CHECKS)}.",
            id="townsquare.E101",
        )
    ]
