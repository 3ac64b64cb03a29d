"""The catalog's JSON endpoints. Each parses input, calls one selector or service, and returns."""

from __future__ import annotations

from typing import Any, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from townsquare.catalog import presenters, search, selectors, services
from townsquare.catalog.schemas import (
    DatasetIn,
    DatasetOut,
    DatasetPatch,
    DistributionLinkIn,
    DistributionOut,
    DistributionPatch,
    LicenseOut,
    OrganizationIn,
    OrganizationOut,
    OrganizationPatch,
    SearchOut,
    ThemeOut,
)
from townsquare.catalog.vocabularies import LICENSES, THEMES
from townsquare.core.actors import ApiRequest
from townsquare.core.uploads import ensure_upload_within_limit
from townsquare.datastore.presenters import created_out
from townsquare.datastore.schemas import VersionCreated
from townsquare.governance import files, workflow

router = Router()

_CHAR_FIELDS_NULL_MEANS_EMPTY = {
    "identifier",
    "slug",
    "rights",
    "accrual_periodicity",
    "temporal",
    "spatial",
    "landing_page",
    "conforms_to",
    "described_by",
    "described_by_type",
    "is_part_of",
    "system_of_records",
    "primary_it_investment_uii",
    "license",
    "email",
    "homepage",
    "download_url",
    "access_url",
    "availability",
    "format",
    "media_type",
    "title",
    "description",
    "contact_name",
    "contact_email",
    "name",
}
_LIST_FIELDS = {"keywords", "themes", "language", "references", "bureau_code", "program_code"}


def _changes(payload: Schema) -> dict[str, Any]:
    """The fields the client sent; ``null`` clears a field."""
    changes = payload.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None and name in _CHAR_FIELDS_NULL_MEANS_EMPTY:
            changes[name] = ""
        elif value is None and name in _LIST_FIELDS:
            changes[name] = []
        elif value is None and name == "extras":
            changes[name] = {}
    return changes


# --- Vocabularies -------------------------------------------------------------------------


@router.get("/licenses", response=list[LicenseOut], summary="The licenses a dataset may use")
def list_licenses(request: ApiRequest) -> list[dict[str, str]]:
    return [{"id": item.id, "title": item.title, "url": item.url} for item in LICENSES]


@router.get("/themes", response=list[ThemeOut], summary="The themes a dataset may have")
def list_themes(request: ApiRequest) -> list[dict[str, str]]:
    return [{"code": t.code, "label": t.label, "uri": t.uri} for t in THEMES]


# --- Organizations ------------------------------------------------------------------------


@router.get("/organizations", response=list[OrganizationOut])
def list_organizations(request: ApiRequest) -> list[dict[str, Any]]:
    organizations = selectors.organizations_with_counts(actor=request.auth).select_related("parent")
    return [presenters.organization_out(request, o) for o in organizations]


@router.get("/organizations/{slug}", response=OrganizationOut)
def get_organization(request: ApiRequest, slug: str) -> dict[str, Any]:
    return presenters.organization_out(request, selectors.organization_by_slug(slug))


@router.post("/organizations", response={201: OrganizationOut})
def create_organization(request: ApiRequest, payload: OrganizationIn) -> Status[dict[str, Any]]:
    values = _changes(payload)
    parent_slug = values.pop("parent", None)
    parent = selectors.organization_by_slug(parent_slug) if parent_slug else None
    organization = services.organization_create(actor=request.auth, parent=parent, **values)
    return Status(201, presenters.organization_out(request, organization))


@router.patch("/organizations/{slug}", response=OrganizationOut)
def update_organization(
    request: ApiRequest, slug: str, payload: OrganizationPatch
) -> dict[str, Any]:
    organization = selectors.organization_by_slug(slug)
    values = _changes(payload)
    if "parent" in values:
        parent_slug = values.pop("parent")
        values["parent"] = selectors.organization_by_slug(parent_slug) if parent_slug else None
    organization = services.organization_update(
        actor=request.auth, organization=organization, **values
    )
    return presenters.organization_out(request, organization)


@router.delete("/organizations/{slug}", response={204: None})
def delete_organization(request: ApiRequest, slug: str) -> Status[None]:
    organization = selectors.organization_by_slug(slug)
    services.organization_delete(actor=request.auth, organization=organization)
    return Status(204, None)


# --- Datasets -----------------------------------------------------------------------------


class SearchParams(Schema):
    q: str = Field("", description="Words to find in title, description, keywords, organization.")
    page: int = Field(1, ge=1, le=10_000)
    per_page: int = Field(20, ge=1, le=100)
    sort: Literal["relevance", "updated", "title"] = "relevance"
    organization: list[str] = Field(default_factory=list, description="Organization slug(s).")
    theme: list[str] = Field(default_factory=list)
    keyword: list[str] = Field(default_factory=list)
    format: list[str] = Field(default_factory=list)
    license: list[str] = Field(default_factory=list)
    access_level: list[str] = Field(default_factory=list)
    freshness: list[str] = Field(
        default_factory=list, description="fresh, due, overdue or delinquent."
    )


@router.get("/datasets", response=SearchOut, summary="Search datasets, with facet counts")
def search_datasets(request: ApiRequest, params: Query[SearchParams]) -> HttpResponse:
    query = search.Query(
        text=params.q,
        sort=params.sort,
        page=params.page,
        per_page=params.per_page,
        filters={facet: getattr(params, facet) for facet in search.FACETS},
    )
    results = search.search(
        viewer=selectors.visibility(request.auth),
        query=query,
    )
    body = {
        "count": results.count,
        "page": results.page,
        "per_page": results.per_page,
        "pages": results.pages,
        "next": _page_link(request, results.page + 1) if results.page < results.pages else None,
        "previous": _page_link(request, results.page - 1) if results.page > 1 else None,
        "results": [presenters.dataset_summary(request, d) for d in results.datasets],
        "facets": {name: [vars(item) for item in items] for name, items in results.facets.items()},
    }
    # Built from plain values of the declared shape (SearchOut, checked in test_api), so it is
    # serialized directly rather than validated again field by field.
    return JsonResponse(body, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


def _page_link(request: ApiRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


@router.get("/datasets/{slug}", response=DatasetOut)
def get_dataset(request: ApiRequest, slug: str) -> dict[str, Any]:
    dataset = selectors.dataset_for_view(actor=request.auth, slug=slug)
    return presenters.dataset_out(request, dataset)


@router.post("/datasets", response={201: DatasetOut})
def create_dataset(request: ApiRequest, payload: DatasetIn) -> Status[dict[str, Any]]:
    values = _changes(payload)
    organization = selectors.organization_by_slug(values.pop("organization"))
    dataset = workflow.dataset_create(actor=request.auth, organization=organization, **values)
    return Status(201, presenters.dataset_out(request, dataset))


@router.patch("/datasets/{slug}", response=DatasetOut)
def update_dataset(request: ApiRequest, slug: str, payload: DatasetPatch) -> dict[str, Any]:
    dataset = selectors.dataset_for_edit(actor=request.auth, slug=slug)
    values = _changes(payload)
    org_slug = values.pop("organization", None)
    organization = selectors.organization_by_slug(org_slug) if org_slug else None
    match = request.headers.get("If-Match", "").strip().strip('"') or None
    edited = workflow.dataset_edit(
        actor=request.auth, dataset=dataset, based_on=match, organization=organization, **values
    )
    return presenters.dataset_out(request, edited.dataset)


@router.delete("/datasets/{slug}", response={204: None})
def delete_dataset(request: ApiRequest, slug: str) -> Status[None]:
    dataset = selectors.dataset_for_edit(actor=request.auth, slug=slug)
    services.dataset_delete(actor=request.auth, dataset=dataset)
    return Status(204, None)


# --- Distributions ------------------------------------------------------------------------


@router.get("/datasets/{slug}/distributions", response=list[DistributionOut])
def list_distributions(request: ApiRequest, slug: str) -> list[dict[str, Any]]:
    dataset = selectors.dataset_for_view(actor=request.auth, slug=slug)
    return [
        presenters.distribution_out(request, d)
        for d in selectors.distributions_of(dataset=dataset, actor=request.auth)
    ]


@router.get("/datasets/{slug}/distributions/{int:distribution_id}", response=DistributionOut)
def get_distribution(request: ApiRequest, slug: str, distribution_id: int) -> dict[str, Any]:
    dataset = selectors.dataset_for_view(actor=request.auth, slug=slug)
    distribution = selectors.distribution_for_view(
        actor=request.auth, dataset=dataset, distribution_id=distribution_id
    )
    return presenters.distribution_out(request, distribution)


@router.post(
    "/datasets/{slug}/distributions",
    response={201: DistributionOut, 200: VersionCreated, 202: VersionCreated},
    summary="Add a link: to a table, it is loaded into the data table from its URL (202, the "
    "version); to another file or a page, it is added as a distribution (201)",
)
def add_link(request: ApiRequest, slug: str, payload: DistributionLinkIn) -> Status[Any]:
    dataset = selectors.dataset_for_edit(actor=request.auth, slug=slug)
    added = files.link_add(actor=request.auth, dataset=dataset, **_changes(payload))
    return _added(request, added)


class UploadMeta(Schema):
    title: str = ""
    description: str = ""
    format: str = ""
    media_type: str = ""
    license: str = ""
    availability: str = ""
    reader_format: str = Field(
        "",
        description="For a table: read it as csv, xlsx, json, ndjson, geojson, shapefile or "
        "parquet (empty: detect).",
    )
    encoding: str = Field("", description="For a text table: its encoding (empty: detect).")
    delimiter: str = Field("", description="For a delimited table (empty: detect).")
    sheet: str = Field("", description="For a spreadsheet: the sheet (empty: the first).")


@router.post(
    "/datasets/{slug}/distributions/upload",
    response={201: DistributionOut, 200: VersionCreated, 202: VersionCreated},
    summary="Upload a file (multipart/form-data): a table becomes a new version of the data "
    "table (202, or 200 when identical to one); any other file a distribution (201) that a "
    "privacy officer signs off before it is public",
)
def upload_file(
    request: ApiRequest, slug: str, file: File[UploadedFile], meta: Form[UploadMeta]
) -> Status[Any]:
    ensure_upload_within_limit(request)
    dataset = selectors.dataset_for_edit(actor=request.auth, slug=slug)
    values = meta.model_dump()
    options = {
        "format": values.pop("reader_format"),
        "encoding": values.pop("encoding"),
        "delimiter": values.pop("delimiter"),
        "sheet": values.pop("sheet"),
    }
    added = files.file_add(
        actor=request.auth, dataset=dataset, upload=file, options=options, **values
    )
    return _added(request, added)


def _added(request: ApiRequest, added: files.Added) -> Status[Any]:
    if added.version is not None:
        return Status(*created_out(request, added.version))
    assert added.distribution is not None  # an upload is a version of the data table or a file
    return Status(201, presenters.distribution_out(request, added.distribution))


@router.patch("/datasets/{slug}/distributions/{int:distribution_id}", response=DistributionOut)
def update_distribution(
    request: ApiRequest, slug: str, distribution_id: int, payload: DistributionPatch
) -> dict[str, Any]:
    dataset = selectors.dataset_for_edit(actor=request.auth, slug=slug)
    distribution = selectors.distribution_for_view(
        actor=request.auth, dataset=dataset, distribution_id=distribution_id
    )
    distribution = files.distribution_change(
        actor=request.auth, distribution=distribution, **_changes(payload)
    )
    return presenters.distribution_out(request, distribution)


@router.delete("/datasets/{slug}/distributions/{int:distribution_id}", response={204: None})
def delete_distribution(request: ApiRequest, slug: str, distribution_id: int) -> Status[None]:
    dataset = selectors.dataset_for_edit(actor=request.auth, slug=slug)
    distribution = selectors.distribution_for_view(
        actor=request.auth, dataset=dataset, distribution_id=distribution_id
    )
    files.distribution_remove(actor=request.auth, distribution=distribution)
    return Status(204, None)


@router.post(
    "/datasets/{slug}/distributions/{int:distribution_id}/file",
    response=DistributionOut,
    summary="Replace the file of an uploaded distribution (multipart/form-data)",
)
def replace_file(
    request: ApiRequest, slug: str, distribution_id: int, file: File[UploadedFile]
) -> dict[str, Any]:
    ensure_upload_within_limit(request)
    dataset = selectors.dataset_for_edit(actor=request.auth, slug=slug)
    distribution = selectors.distribution_for_view(
        actor=request.auth, dataset=dataset, distribution_id=distribution_id
    )
    distribution = files.distribution_change(
        actor=request.auth, distribution=distribution, upload=file
    )
    return presenters.distribution_out(request, distribution)
