"""How the API knows who is calling: an API token in the Authorization header (``Bearer <token>``
or the bare token, as CKAN clients send it), else the browser session. Writes made with a
session cookie must carry a CSRF token; token-authenticated requests are not cookie-based and
need none. Anonymous callers pass through as the anonymous user: each endpoint's policy decides."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security.http import HttpAuthBase
from ninja.utils import check_csrf

from townsquare.accounts.services import token_authenticate
from townsquare.core import throttle
from townsquare.core.addresses import client_address
from townsquare.core.errors import NotAuthenticated, PermissionDenied

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class CsrfRefused(PermissionDenied):
    title = "CSRF check failed"


class ActorAuth(HttpAuthBase):
    openapi_scheme = "bearer"
    openapi_description = (
        "An API token (create one on your account page or with `townsquare token create`), "
        "sent as `Authorization: Bearer <token>` or as the bare token. Reading public data "
        "needs no token."
    )

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "").strip()
        if header:
            scheme, _, rest = header.partition(" ")
            secret = rest if scheme.lower() in ("bearer", "token") else header
            try:
                user = token_authenticate(secret)
            except NotAuthenticated:  # unknown, expired or revoked: a guessing client is counted
                throttle.hit("bad_token", client_address(request))
                raise
            request.user = user
            return user
        signed_in = request.user
        if signed_in.is_authenticated and request.method not in SAFE_METHODS:
            if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
                raise CsrfRefused(
                    "This write came with a session cookie but without a valid CSRF token. "
                    "Send the X-CSRFToken header, or use an API token instead.",
                    attempt="request.csrf",
                )
        return signed_in
