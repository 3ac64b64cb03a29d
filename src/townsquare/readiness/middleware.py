"""Before the launch (TOWNSQUARE_BEFORE_LAUNCH=coming-soon) the public sees the purpose
statement and a coming-soon page; the organization's staff, signing in, work as usual."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from townsquare.governance.models import Document
from townsquare.governance.selectors import current_document
from townsquare.readiness import policies, selectors

# What the public reaches before the launch: the purpose, signing in and registering, the
# health check, the admin's own sign-in and the static files.
OPEN_PATHS = ("/purpose", "/account/", "/healthz", "/admin/", "/static/", "/favicon")


class BeforeLaunchMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.BEFORE_LAUNCH == "coming-soon"
            and not request.path.startswith(OPEN_PATHS)
            and not policies.works_before_launch(request.user)
            and not selectors.launched()
        ):
            return _coming_soon(request)
        return self.get_response(request)


def _coming_soon(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {
            "type": "about:blank",
            "title": "Not launched yet",
            "status": 403,
            "detail": "This portal has not launched yet: its staff are preparing it.",
        }
        return HttpResponse(json.dumps(body), status=403, content_type="application/problem+json")
    purpose = current_document(Document.Kind.PURPOSE)
    return render(request, "readiness/coming_soon.html", {"purpose": purpose}, status=200)
