"""The catalog files other catalogs harvest: ``/data.json`` (DCAT-US 1.1; 3.0 with
``?version=3``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from townsquare.interop import dcat_us, dcat_us3

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
