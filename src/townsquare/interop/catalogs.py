"""The catalog files other catalogs harvest: ``/data.json`` (DCAT-US 1.1)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from townsquare.interop import dcat_us


@require_GET
def data_json(request: HttpRequest) -> HttpResponseBase:
    version = request.GET.get("version", "1.1")
    if version not in ("1.1", "1"):
        return JsonResponse(
            {"error": f"DCAT-US {version} is not served here: version=1.1 is (3.0 is not yet)."},
            status=400,
        )
    response = StreamingHttpResponse(
        dcat_us.catalog_stream(), content_type="application/json; charset=utf-8"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
