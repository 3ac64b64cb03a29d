from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from townsquare.core import throttle
from townsquare.core.addresses import client_address
from townsquare.core.nul import MESSAGE, find_nul

# The requests that run queries over data (the records API, exports, the rows page).
QUERIES = re.compile(r"^/(api/v1/)?datasets/[^/]+/(records|export\.\w+|data)$")


class NulCharacterMiddleware:
    """Refuses addresses, query strings and URL-encoded forms that carry a NUL character
    (400), before anything looks them up in the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = None
        if "\x00" in request.path:
            field = "path"
        else:
            field = find_nul(dict(request.GET.lists()))
            content_type = request.content_type or ""
            if field is None and content_type == "application/x-www-form-urlencoded":
                field = find_nul(dict(request.POST.lists()))
        if field is not None:
            return _refuse(request, field)
        return self.get_response(request)


def _refuse(request: HttpRequest, field: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {
            "type": "about:blank",
            "title": "Invalid input",
            "status": 400,
            "detail": MESSAGE,
            "errors": [{"field": field, "message": MESSAGE}],
        }
        return JsonResponse(body, status=400, content_type="application/problem+json")
    return HttpResponse(render_to_string("errors/400.html", {"message": MESSAGE}), status=400)


class ThrottleMiddleware:
    """The rate limits of townsquare.core.throttle, per client address: every API request,
    queries and SQL, and a client that keeps sending bad API tokens is stopped before its
    next one is even looked at."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = client_address(request)
        try:
            if request.path.startswith("/api/"):
                if "Authorization" in request.headers and throttle.over("bad_token", address):
                    throttle.hit("bad_token", address)  # refused with the time to wait
                throttle.hit("api", address)
            if request.path == "/api/v1/sql":
                throttle.hit("sql", address)
            elif QUERIES.match(request.path):
                throttle.hit("queries", address)
        except throttle.RateLimited as exc:
            return too_many(request, exc)
        return self.get_response(request)


def too_many(request: HttpRequest, exc: throttle.RateLimited) -> HttpResponse:
    """429, as problem+json for the API and as a page otherwise, with Retry-After."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"type": "about:blank", "title": exc.title, "status": 429, "detail": exc.message},
            status=429,
            content_type="application/problem+json",
        )
    else:
        response = HttpResponse(
            render_to_string("errors/429.html", {"message": exc.message}, request=request),
            status=429,
        )
    response["Retry-After"] = str(exc.retry_after)
    return response
