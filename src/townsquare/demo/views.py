"""The demo town's own sources, served by the portal so that `make demo` refreshes a dataset on a
schedule without reaching the internet."""

from __future__ import annotations

from email.utils import format_datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone

from townsquare.demo import sources


def street_light_outages(request: HttpRequest) -> HttpResponse:
    if not settings.DEMO_SOURCES:
        raise Http404("The demo's sources are off (TOWNSQUARE_DEMO_SOURCES).")
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    etag = f'"outages-{hour:%Y%m%d%H}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    response = HttpResponse(sources.csv_at(now), content_type="text/csv; charset=utf-8")
    response["ETag"] = etag
    response["Last-Modified"] = format_datetime(hour, usegmt=True)
    return response
