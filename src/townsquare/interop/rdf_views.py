"""DCAT-AP 3 over HTTP: ``/catalog.{ttl,rdf,jsonld}`` (Hydra-paged, ``modified_since``),
``/datasets/{slug}.{ttl,rdf,jsonld}``, and the dataset page's own address by content
negotiation (``rdf_for``, asked by the catalog's dataset view)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from townsquare.catalog import policies
from townsquare.catalog.models import Dataset
from townsquare.interop import dcat_ap

NEGOTIATED = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


def _answer(made: object, form: str) -> HttpResponse:
    text = made.serialize(format=form)  # type: ignore[attr-defined]
    response = HttpResponse(text, content_type=f"{dcat_ap.FORMATS[form]}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def catalog(request: HttpRequest, extension: str) -> HttpResponse:
    if extension not in dcat_ap.EXTENSIONS:
        raise Http404("The catalog is catalog.ttl, catalog.rdf or catalog.jsonld.")
    form = dcat_ap.EXTENSIONS[extension]
    page_text = request.GET.get("page", "1")
    since_text = request.GET.get("modified_since", "")
    if not page_text.isdigit() or int(page_text) < 1:
        return JsonResponse({"error": "page is a number from 1."}, status=400)
    since = None
    if since_text:
        try:
            since = datetime.fromisoformat(since_text.replace("Z", "+00:00"))
        except ValueError:
            return JsonResponse(
                {"error": "modified_since is a date or time, such as 2026-01-01T00:00:00Z."},
                status=400,
            )
        since = since if since.tzinfo else since.replace(tzinfo=UTC)
    address = request.build_absolute_uri(request.path)
    if since_text:
        address += f"?modified_since={since_text}"
    return _answer(dcat_ap.catalog_graph(int(page_text), since, address), form)


def _public(slug: str) -> Dataset:
    found = dcat_ap.public_datasets().filter(slug=slug).first()
    if found is None:
        raise Http404(f"There is no public dataset {slug!r}.")
    return found


@require_GET
def dataset(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    if extension not in dcat_ap.EXTENSIONS:
        raise Http404("A dataset is {slug}.ttl, {slug}.rdf or {slug}.jsonld.")
    return _answer(dcat_ap.dataset_graph(_public(slug)), dcat_ap.EXTENSIONS[extension])


def rdf_for(request: HttpRequest, found: Dataset) -> HttpResponse | None:
    """The dataset as RDF when the request prefers an RDF type to HTML (None: the page)."""
    preferred = request.get_preferred_type(["text/html", *NEGOTIATED])
    if preferred not in NEGOTIATED or not policies.is_public(found):
        return None
    response = _answer(dcat_ap.dataset_graph(_public(found.slug)), NEGOTIATED[preferred])
    response["Vary"] = "Accept"
    return response
