"""Turning validation errors into a flat list of ``{"field", "message"}`` for API responses and
into form errors for pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

_LOCATIONS = {"body", "query", "path", "form", "file", "header", "cookie"}


def field_errors_from_django(exc: ValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": "" if field == NON_FIELD_ERRORS else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "", "message": message} for message in exc.messages]


def field_errors_from_schema(errors: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    result = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        while location and location[0] in _LOCATIONS:
            location = location[1:]
        if len(location) > 1 and location[0] in ("payload", "data", "filters", "params"):
            location = location[1:]
        message = str(error.get("msg", "Invalid value.")).removeprefix("Value error, ")
        result.append({"field": ".".join(location), "message": message})
    return result
