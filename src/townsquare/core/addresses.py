"""Who is asking, as far as the network can tell: the client's address."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR or, behind TOWNSQUARE_PROXY_COUNT proxies, the address the outermost one
    saw (X-Forwarded-For, counted from the right: entries further left are the client's word)."""
    address = str(request.META.get("REMOTE_ADDR", ""))
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if settings.PROXY_COUNT and len(hops) >= settings.PROXY_COUNT:
        address = hops[-settings.PROXY_COUNT]
    return address[:64]
