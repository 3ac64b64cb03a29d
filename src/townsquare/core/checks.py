"""System checks for combinations of settings that each look valid alone."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_site_url(app_configs: Any, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append(Error("TOWNSQUARE_SITE_URL must be an http(s) URL.", id="townsquare.E001"))
        return problems
    host = parts.hostname
    allowed = settings.ALLOWED_HOSTS
    if "*" not in allowed and host not in allowed and f".{host.split('.', 1)[-1]}" not in allowed:
        problems.append(
            Warning(
                f"The host of TOWNSQUARE_SITE_URL ({host}) is not in TOWNSQUARE_ALLOWED_HOSTS.",
                id="townsquare.W001",
            )
        )
    if settings.PRODUCTION and parts.scheme != "https":
        problems.append(
            Warning("TOWNSQUARE_SITE_URL is not https in production mode.", id="townsquare.W002")
        )
    return problems


@register()
def check_storage(app_configs: Any, **kwargs: Any) -> list[Any]:
    if settings.STORAGE_BACKEND != "s3":
        return []
    storage: Any = settings.STORAGES["default"]
    options: dict[str, Any] = storage["OPTIONS"]
    if bool(options.get("access_key")) != bool(options.get("secret_key")):
        return [
            Error(
                "Set both TOWNSQUARE_S3_ACCESS_KEY_ID and TOWNSQUARE_S3_SECRET_ACCESS_KEY, "
                "or neither.",
                id="townsquare.E002",
            )
        ]
    return []
