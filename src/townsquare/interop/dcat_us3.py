"""The catalog as DCAT-US 3.0 (``/data.json?version=3``), the shape data.gov now harvests:
the same datasets as the 1.1 catalog (``dcat_us.listed_datasets``), each with its
distributions; a published data table is a distribution with the records API as its
``accessService`` (a ``DataService``), and the catalog lists those services too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from townsquare.catalog.models import Dataset, Distribution, Organization
from townsquare.catalog.vocabularies import LICENSES_BY_ID, THEMES_BY_CODE, AccessLevel
from townsquare.interop.dcat_us import (
    addresses,
    frequency,
    listed_datasets,
    listed_files,
    moment,
    page,
    site,
)

CONFORMS_TO = "https://resources.data.gov/dcat-us/3.0.0/"
ACCESS = {
    AccessLevel.PUBLIC: "Public: anyone may read and download the data.",
    AccessLevel.RESTRICTED: "Restricted public: the metadata is public; the data is given to "
    "those an approver grants access.",
}


def organization(found: Organization) -> dict[str, Any]:
    shown: dict[str, Any] = {"@type": "Organization", "name": found.name}
    if found.parent_id and found.parent is not None:
        shown["subOrganizationOf"] = [organization(found.parent)]
    return shown


def contact(dataset: Dataset) -> dict[str, Any]:
    return {
        "@type": "Kind",
        "fn": dataset.contact_name,
        "hasEmail": f"mailto:{dataset.contact_email}",
    }


def records_service(dataset: Dataset) -> dict[str, Any]:
    """The records API of a dataset's published data, as a DataService."""
    return {
        "@id": site(f"/api/v1/datasets/{dataset.slug}/records"),
        "@type": "DataService",
        "title": f"{dataset.title}: records API",
        "description": "Query the published data: filters, sorts, groups, full-text search; "
        "JSON, CSV or GeoJSON.",
        "endpointURL": [site(f"/api/v1/datasets/{dataset.slug}/records")],
        "endpointDescription": [site("/api/v1/openapi.json")],
        "publisher": organization(dataset.organization),
        "contactPoint": [contact(dataset)],
        "accessRights": ACCESS.get(AccessLevel(dataset.access_level)),
    }


def distribution(dataset: Dataset, item: Distribution) -> dict[str, Any]:
    license = LICENSES_BY_ID.get(item.license or dataset.license)
    shown: dict[str, Any] = {"@type": "Distribution", "title": item.title}
    shown.update(addresses(dataset, item))
    shown.update(
        {
            "description": item.description or None,
            "mediaType": item.media_type or None,
            "format": item.format or None,
            "byteSize": str(item.byte_size) if item.byte_size is not None else None,
            "license": license.url if license else None,
            "modified": moment(item.updated_at),
        }
    )
    return {key: value for key, value in shown.items() if value is not None}


def data_table(dataset: Dataset) -> dict[str, Any] | None:
    if getattr(dataset, "published_data", None) is None:
        return None
    license = LICENSES_BY_ID.get(dataset.license)
    shown: dict[str, Any] = {
        "@type": "Distribution",
        "title": "Data table (CSV)",
        "format": "CSV",
        "mediaType": "text/csv",
        "accessService": [records_service(dataset)],
    }
    if dataset.access_level == AccessLevel.PUBLIC:
        shown["downloadURL"] = site(f"/api/v1/datasets/{dataset.slug}/export.csv")
    else:
        shown["accessURL"] = page(dataset)
    if license:
        shown["license"] = license.url
    return shown


def _temporal(value: str) -> list[dict[str, str]] | None:
    if not value:
        return None
    start, _, end = value.partition("/")
    period = {"@type": "PeriodOfTime", "startDate": start}
    if end and not end.upper().startswith("P"):
        period["endDate"] = end
    return [period]


def dataset_record(dataset: Dataset) -> dict[str, Any]:
    address = page(dataset)
    files = [distribution(dataset, d) for d in listed_files(dataset)]
    table = data_table(dataset)
    record: dict[str, Any] = {
        "@id": address,
        "@type": "Dataset",
        "title": dataset.title,
        "description": dataset.description,
        "identifier": dataset.identifier,
        "contactPoint": contact(dataset),
        "publisher": organization(dataset.organization),
        "keyword": list(dataset.keywords) or None,
        "modified": moment(dataset.modified),
        "issued": dataset.issued.isoformat() if dataset.issued else None,
        "accessRights": ACCESS.get(AccessLevel(dataset.access_level)),
        "rights": [dataset.rights] if dataset.rights else None,
        "accrualPeriodicity": frequency(dataset.accrual_periodicity),
        "temporal": _temporal(dataset.temporal),
        "spatial": {"@type": "Location", "prefLabel": dataset.spatial} if dataset.spatial else None,
        "theme": _themes(dataset),
        "language": sorted({tag.split("-")[0].lower() for tag in dataset.language}) or None,
        "landingPage": {
            "@type": "Document",
            "title": f"{dataset.title} on {settings.SITE_NAME}",
            "accessURL": dataset.landing_page or address,
        },
        "conformsTo": [{"@id": dataset.conforms_to, "@type": "Standard"}]
        if dataset.conforms_to
        else None,
        "describedBy": _dictionary(dataset),
        "page": [_document("Related document", url) for url in dataset.references] or None,
        "distribution": files + ([table] if table else []) or None,
    }
    return {key: value for key, value in record.items() if value is not None}


def _themes(dataset: Dataset) -> list[dict[str, str]] | None:
    themes = [THEMES_BY_CODE[c] for c in dataset.themes if c in THEMES_BY_CODE]
    return [{"@id": t.uri, "@type": "Concept", "prefLabel": t.label} for t in themes] or None


def _document(title: str, url: str) -> dict[str, str]:
    return {"@type": "Document", "title": title, "accessURL": url}


def _dictionary(dataset: Dataset) -> dict[str, Any] | None:
    if not dataset.described_by:
        return None
    shown = {"@type": "Distribution", "title": "Data dictionary", "accessURL": dataset.described_by}
    if dataset.described_by_type:
        shown["mediaType"] = dataset.described_by_type
    return shown


def head() -> dict[str, Any]:
    return {
        "@id": site("/data.json?version=3"),
        "@type": "Catalog",
        "title": settings.SITE_NAME,
        "conformsTo": {"@id": CONFORMS_TO, "@type": "Standard", "title": "DCAT-US 3.0"},
        "homepage": {"@type": "Document", "title": settings.SITE_NAME, "accessURL": site("/")},
    }


def catalog_stream() -> Iterator[str]:
    """The whole DCAT-US 3.0 catalog, piece by piece: the datasets, then the data services
    (the records APIs of the published data tables)."""
    text = json.dumps(head(), cls=DjangoJSONEncoder)
    yield text[:-1] + ', "dataset": ['
    for n, dataset in enumerate(listed_datasets()):
        yield ("," if n else "") + json.dumps(dataset_record(dataset), cls=DjangoJSONEncoder)
    yield '], "service": ['
    for n, dataset in enumerate(listed_datasets(with_data=True)):
        yield ("," if n else "") + json.dumps(records_service(dataset), cls=DjangoJSONEncoder)
    yield "]}"
