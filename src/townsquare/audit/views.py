from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from townsquare.audit import exports, selectors
from townsquare.audit.forms import EventFilterForm
from townsquare.core.views import domain_errors

PER_PAGE = 50


@dataclass
class Page:
    page: int
    pages: int


@login_required
@domain_errors
def events(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    found = selectors.events(actor=request.user, where=form.filter())
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
def export(request: HttpRequest, form: str) -> HttpResponse:
    found = selectors.events(actor=request.user, where=EventFilterForm(request.GET).filter())
    return exports.download(found, form)
