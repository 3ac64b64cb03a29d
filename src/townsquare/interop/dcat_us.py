"""The catalog as DCAT-US 1.1 (Project Open Data) ``data.json``: the public and restricted
public datasets that are published, each with its files, links and data table as
distributions. Written out as a stream, a few hundred datasets at a time, so that a catalog of
any size is served in bounded memory.

Restricted public datasets are listed with their metadata; their files are listed by the
dataset's page (``accessURL``), not by a download address the public would be refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from townsquare.catalog import freshness, policies
from townsquare.catalog.models import Dataset, Distribution, Organization
from townsquare.catalog.vocabularies import LICENSES_BY_ID, THEMES_BY_CODE, AccessLevel, State

CONFORMS_TO = "https://project-open-data.cio.gov/v1.1/schema"
CHUNK = 500
# Frequency words (Dublin Core, EU, ISO 19115) as the repeating durations DCAT-US 1.1 takes.
_EXACT = {
    "annual": "R/P1Y", "annually": "R/P1Y", "semiannual": "R/P6M", "biannually": "R/P6M",
    "quarterly": "R/P3M", "bimonthly": "R/P2M", "monthly": "R/P1M", "semimonthly": "R/P0.5M",
    "biweekly": "R/P2W", "fortnightly": "R/P2W", "weekly": "R/P1W", "daily": "R/P1D",
    "hourly": "R/PT1H", "biennial": "R/P2Y", "triennial": "R/P3Y", "quadrennial": "R/P4Y",
    "quinquennial": "R/P5Y", "decennial": "R/P10Y",
}  # fmt: skip


def site(path: str) -> str:
    return settings.SITE_URL + path


@cache
def _routes() -> tuple[str, str]:
    """The dataset page and a file's download address, around their slug and number:
    reversed once, not for each of thousands of records."""
    return (
        reverse("catalog:dataset", args=["SLUG"]),
        reverse("catalog:download", args=["SLUG", 123456789]),
    )


def page(dataset: Dataset) -> str:
    return site(_routes()[0].replace("SLUG", dataset.slug))


def download(dataset: Dataset, item: Distribution) -> str:
    return site(_routes()[1].replace("SLUG", dataset.slug).replace("123456789", str(item.pk)))


def frequency(value: str) -> str | None:
    """A dataset's update frequency as DCAT-US 1.1 writes it (None: not stated)."""
    if not value:
        return None
    if value.upper().startswith("R/P"):
        return value
    word = freshness.word(value)
    if word in freshness.NO_PERIOD:
        return "irregular"
    if word in _EXACT:
        return _EXACT[word]
    period = freshness.period_of(value)
    if period is None:
        return None
    if period >= timedelta(days=1):
        return f"R/P{round(period / timedelta(days=1))}D"
    return f"R/PT{max(1, round(period / timedelta(minutes=1)))}M"


def moment(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def publisher(organization: Organization) -> dict[str, Any]:
    found: dict[str, Any] = {"@type": "org:Organization", "name": organization.name}
    if organization.parent_id and organization.parent is not None:
        found["subOrganizationOf"] = publisher(organization.parent)
    return found


def distribution(dataset: Dataset, item: Distribution) -> dict[str, Any]:
    found: dict[str, Any] = {"@type": "dcat:Distribution", "title": item.title}
    found.update(addresses(dataset, item))
    if "downloadURL" in found:
        found["mediaType"] = item.media_type or "application/octet-stream"
    extra = {
        "description": item.description,
        "format": item.format,
        "conformsTo": item.conforms_to,
        "describedBy": item.described_by,
        "describedByType": item.described_by_type,
    }
    found.update({key: value for key, value in extra.items() if value})
    return found


def addresses(dataset: Dataset, item: Distribution) -> dict[str, str]:
    if dataset.access_level != AccessLevel.PUBLIC:  # the files are for those granted access
        return {"accessURL": page(dataset)}
    found = {}
    if item.kind == Distribution.Kind.FILE:
        found["downloadURL"] = download(dataset, item)
    elif item.download_url:
        found["downloadURL"] = item.download_url
    if item.access_url:
        found["accessURL"] = item.access_url
    return found


def data_table(dataset: Dataset) -> dict[str, Any] | None:
    """The published data table, as CSV (and the records API beside it)."""
    if getattr(dataset, "published_data", None) is None:
        return None
    csv = site(f"/api/v1/datasets/{dataset.slug}/export.csv")
    found: dict[str, Any] = {"@type": "dcat:Distribution", "title": "Data table (CSV)"}
    if dataset.access_level == AccessLevel.PUBLIC:
        found.update(downloadURL=csv, mediaType="text/csv", format="CSV")
    else:
        found.update(accessURL=page(dataset))
    return found


def dataset_record(dataset: Dataset) -> dict[str, Any]:
    """One dataset of the catalog; what it lacks is left out (the validator names it)."""
    record: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "title": dataset.title,
        "description": dataset.description,
        "keyword": list(dataset.keywords),
        "modified": moment(dataset.modified),
        "publisher": publisher(dataset.organization),
        "contactPoint": {
            "@type": "vcard:Contact",
            "fn": dataset.contact_name,
            "hasEmail": f"mailto:{dataset.contact_email}",
        },
        "identifier": dataset.identifier,
        "accessLevel": dataset.access_level,
        "landingPage": dataset.landing_page or page(dataset),
    }
    record.update(_optional(dataset))
    files = [distribution(dataset, d) for d in listed_files(dataset)]
    table = data_table(dataset)
    record["distribution"] = files + ([table] if table else [])
    return {key: value for key, value in record.items() if value not in ("", None, [])}


def _optional(dataset: Dataset) -> dict[str, Any]:
    license = LICENSES_BY_ID.get(dataset.license)
    return {
        "rights": dataset.rights,
        "license": license.url if license else None,
        "spatial": dataset.spatial,
        "temporal": dataset.temporal,
        "issued": dataset.issued.isoformat() if dataset.issued else None,
        "accrualPeriodicity": frequency(dataset.accrual_periodicity),
        "language": list(dataset.language),
        "theme": [THEMES_BY_CODE[c].label for c in dataset.themes if c in THEMES_BY_CODE],
        "references": list(dataset.references),
        "conformsTo": dataset.conforms_to,
        "describedBy": dataset.described_by,
        "describedByType": dataset.described_by_type,
        "isPartOf": dataset.is_part_of,
        "dataQuality": dataset.data_quality,
        "systemOfRecords": dataset.system_of_records,
        "primaryITInvestmentUII": dataset.primary_it_investment_uii,
        "bureauCode": list(dataset.bureau_code),
        "programCode": list(dataset.program_code),
    }


@dataclass(frozen=True)
class File:
    """What the catalogs say of a file or link: read as plain rows, thousands at a time (a
    model instance each costs more than writing its record)."""

    pk: int
    kind: str
    title: str
    description: str
    download_url: str
    access_url: str
    media_type: str
    format: str
    license: str
    conforms_to: str
    described_by: str
    described_by_type: str
    byte_size: int | None
    checksum_sha256: str
    availability: str
    updated_at: datetime


FILE_FIELDS = [f.name for f in fields(File)]


def listed_files(dataset: Dataset) -> list[Any]:
    """The dataset's files and links the public may see listed (policies.is_listed_file):
    those ``listed_datasets`` read beside it, or read now."""
    found = getattr(dataset, "listed", None)
    if found is None:
        found = [d for d in dataset.distributions.all() if policies.is_listed_file(d)]
    return list(found)


def _attach_files(chunk: list[Dataset]) -> None:
    rows = (
        Distribution.objects.filter(policies.LISTED_FILE, dataset_id__in=[d.pk for d in chunk])
        .order_by("dataset_id", "position", "pk")
        .values_list("dataset_id", *FILE_FIELDS)
    )
    by_dataset: dict[int, list[File]] = {d.pk: [] for d in chunk}
    for dataset_id, *values in rows:
        by_dataset[dataset_id].append(File(*values))
    for dataset in chunk:
        dataset.listed = by_dataset[dataset.pk]  # type: ignore[attr-defined]


def listed_datasets(*, with_data: bool = False) -> Iterator[Dataset]:
    """The datasets a public catalog lists (``with_data``: those with a published data table),
    a chunk at a time, in id order."""
    chosen = Dataset.objects.filter(
        state=State.PUBLISHED, access_level__in=[AccessLevel.PUBLIC, AccessLevel.RESTRICTED]
    )
    if with_data:
        chosen = chosen.filter(published_data__isnull=False)
    last = 0
    while True:
        chunk = list(
            chosen.filter(pk__gt=last)
            .order_by("pk")
            .select_related("organization", "organization__parent", "published_data")[:CHUNK]
        )
        _attach_files(chunk)
        yield from chunk
        if len(chunk) < CHUNK:
            return
        last = chunk[-1].pk


def head() -> dict[str, Any]:
    return {
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@id": site("/data.json"),
        "@type": "dcat:Catalog",
        "conformsTo": CONFORMS_TO,
        "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
    }


def catalog_stream() -> Iterator[str]:
    """The whole ``data.json``, piece by piece."""
    text = json.dumps(head(), cls=DjangoJSONEncoder)
    yield text[:-1] + ', "dataset": ['
    for n, dataset in enumerate(listed_datasets()):
        yield ("," if n else "") + json.dumps(dataset_record(dataset), cls=DjangoJSONEncoder)
    yield "]}"
