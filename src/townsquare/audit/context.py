"""The request being served (its client address and actor), for the events it causes."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR or, behind TOWNSQUARE_PROXY_COUNT proxies, the address the outermost one
    saw (X-Forwarded-For, counted from the right: entries further left are the client's word)."""
    address = request.META.get("REMOTE_ADDR", "")
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if settings.PROXY_COUNT and len(hops) >= settings.PROXY_COUNT:
        address = hops[-settings.PROXY_COUNT]
    return address[:64]


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
