"""The catalog files other catalogs harvest: ``/data.json`` (DCAT-US 1.1; 3.0 with
``?version=3``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.views.decorators.http import require_GET

from townsquare.catalog.models import Dataset
from townsquare.core.errors import PermissionDenied
from townsquare.core.views import domain_errors
from townsquare.interop import catalog_check, dcat_us, dcat_us3, policies

STREAMS = {
    "1.1": dcat_us.catalog_stream,
    "1": dcat_us.catalog_stream,
    "3": dcat_us3.catalog_stream,
    "3.0": dcat_us3.catalog_stream,
}


@require_GET
def data_json(request: HttpRequest) -> HttpResponseBase:
    version = request.GET.get("version", "1.1")
    if version not in STREAMS:
        return JsonResponse(
            {"error": f"DCAT-US {version} is not served: ask for version=1.1 or version=3."},
            status=400,
        )
    response = StreamingHttpResponse(
        STREAMS[version](), content_type="application/json; charset=utf-8"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
@domain_errors
def catalog_check_page(request: HttpRequest) -> HttpResponse:
    if not policies.can_check_catalog(request.user):
        raise PermissionDenied("The catalog check is for coordinators.")
    reports = catalog_check.portal_reports()
    identifiers = {p.dataset for r in reports for p in r.problems}
    slugs = dict(
        Dataset.objects.filter(identifier__in=identifiers).values_list("identifier", "slug")
    )
    shown = [
        {
            "version": r.version,
            "datasets": r.datasets,
            "problems": r.problems,
            "rows": [{"problem": p, "slug": slugs.get(p.dataset)} for p in r.problems],
        }
        for r in reports
    ]
    return render(request, "interop/catalog_check.html", {"reports": shown})
