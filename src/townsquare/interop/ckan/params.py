"""An action's parameters as CKAN clients send them: a JSON object, form fields, or query
parameters (a key repeated becomes a list; JSON values such as ``facet.field=["tags"]`` arrive
as strings). A value of the wrong kind is CKAN's Validation Error, naming the field."""

from __future__ import annotations

import json
from typing import Any

from townsquare.interop.ckan.errors import ValidationError

_TRUE = {"true", "1", "yes", "on", "t", "y"}
_FALSE = {"false", "0", "no", "off", "f", "n", ""}


def text(data: dict[str, Any], name: str, default: str = "") -> str:
    value = data.get(name, default)
    if value is None:
        return default
    if isinstance(value, list):
        value = value[-1] if value else default
    if not isinstance(value, str | int | float):
        raise ValidationError({name: ["Must be a string."]})
    return str(value)


def required(data: dict[str, Any], name: str) -> str:
    value = text(data, name).strip()
    if not value:
        raise ValidationError({name: ["Missing value"]})
    return value


def integer(data: dict[str, Any], name: str, default: int, *, maximum: int | None = None) -> int:
    """A natural number; above ``maximum`` it is cut to the maximum, as CKAN does."""
    raw = data.get(name, default)
    if isinstance(raw, list):
        raw = raw[-1] if raw else default
    if isinstance(raw, bool):
        raise ValidationError({name: ["Invalid integer"]})
    try:
        value = int(str(raw).strip()) if raw not in (None, "") else default
    except ValueError:
        raise ValidationError({name: ["Invalid integer"]}) from None
    if value < 0:
        raise ValidationError({name: ["Must be a natural number"]})
    return min(value, maximum) if maximum is not None else value


def boolean(data: dict[str, Any], name: str, default: bool) -> bool:
    raw = data.get(name, default)
    if isinstance(raw, list):
        raw = raw[-1] if raw else default
    if isinstance(raw, bool):
        return raw
    if raw is None:
        return default
    word = str(raw).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValidationError({name: ["Value must be one of: true, false"]})


def strings(data: dict[str, Any], name: str) -> list[str]:
    """A list of strings: a JSON list, a JSON string of one, a repeated key, or one value."""
    raw = data.get(name)
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            return [raw]
    if isinstance(raw, str):
        return [raw]
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise ValidationError({name: ["Must be a list of strings."]})
    return raw


def mapping(data: dict[str, Any], name: str) -> dict[str, Any]:
    """A JSON object (or its text)."""
    raw = data.get(name)
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise ValidationError({name: ["Must be a JSON object."]}) from None
    if not isinstance(raw, dict):
        raise ValidationError({name: ["Must be a JSON object."]})
    return raw
