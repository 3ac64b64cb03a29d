"""CKAN's errors, as its ``ckan/views/api.py`` sends them: ``error.__type`` and a status."""

from __future__ import annotations

from typing import Any


class CkanError(Exception):
    status = 400
    kind = ""
    prefix = ""  # CKAN's words before the message

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"__type": self.kind, "message": f"{self.prefix}{self.message}"}


class NotFoundError(CkanError):
    status = 404
    kind = "Not Found Error"
    prefix = "Not found: "


class AuthorizationError(CkanError):
    status = 403
    kind = "Authorization Error"
    prefix = "Access denied: "


class SearchQueryError(CkanError):
    status = 400
    kind = "Search Query Error"
    prefix = "Search Query is invalid: "


class ValidationError(CkanError):
    """Field errors, each field's list of messages at the top level of ``error``."""

    status = 409
    kind = "Validation Error"

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items()))
        self.fields = fields

    def body(self) -> dict[str, Any]:
        return {"__type": self.kind, **self.fields}


class BadRequest(CkanError):
    """Not an envelope: CKAN answers a bare JSON string (unknown action, bad JSON, GET of a
    write)."""

    status = 400
