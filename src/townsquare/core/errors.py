"""The domain error tree. Services raise these (or Django's ValidationError) and nothing else;
the API maps them to problem+json in townsquare/api.py and views map them in core/views.py."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain refused the request. ``status`` is the HTTP status it maps to."""

    status = 400
    title = "The request was refused"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        attempt: str | None = None,
        target: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # A governed action that was refused (for example "dataset.publish"): the boundary
        # that reports the error records it in the audit trail, after the rollback.
        self.attempt = attempt
        self.target = target


class NotFound(DomainError):
    status = 404
    title = "Not found"


class PermissionDenied(DomainError):
    status = 403
    title = "Not allowed"


class NotAuthenticated(DomainError):
    status = 401
    title = "Sign-in required"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class UploadTooLarge(DomainError):
    status = 413
    title = "Upload too large"


class Invalid(DomainError):
    """Several problems at once, each with where it is (a file's line and field): nothing was
    written. ``problems`` are dicts with ``message`` and ``field``, and ``line`` for files."""

    status = 400
    title = "Invalid input"

    def __init__(self, message: str, problems: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.problems = problems
