from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from townsquare.audit import exports, services, web
from townsquare.audit.forms import EventFilterForm
from townsquare.core.views import domain_errors, error_page

PER_PAGE = 50


@dataclass
class Page:
    page: int
    pages: int


@login_required
@domain_errors
def events(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    found = web.events(actor=request.user, where=form.filter())
    paginator = Paginator(found, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "audit/events.html",
        {
            "form": form,
            "events": page.object_list,
            "results": Page(page.number, paginator.num_pages),
            "total": paginator.count,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@domain_errors
def export(request: HttpRequest, form: str) -> StreamingHttpResponse:
    found = web.events(actor=request.user, where=EventFilterForm(request.GET).filter())
    return exports.download(found, form)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    services.record(
        getattr(request, "user", None),
        "request.csrf.refused",
        after={"path": request.path[:300], "method": request.method, "reason": reason[:200]},
    )
    return error_page(
        request,
        403,
        "The form could not be accepted because its security token was missing or out of date. "
        "Go back, reload the page and try again.",
    )
