"""The request being served (its client address and actor), for the events it causes."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

from townsquare.core.addresses import client_address

_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def current_address() -> str:
    request = _request.get()
    return client_address(request) if request is not None else ""


def current_actor() -> Any:
    """Who the request being served acts as: the API's token user, else the session's user."""
    request = _request.get()
    if request is None:
        return None
    return getattr(request, "auth", None) or getattr(request, "user", None)


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
