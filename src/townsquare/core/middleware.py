from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from townsquare.core.nul import MESSAGE, find_nul


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
