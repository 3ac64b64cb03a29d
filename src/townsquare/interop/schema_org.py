"""A public dataset as schema.org ``Dataset`` JSON-LD, for search engines (Google Dataset
Search reads it from the dataset's page)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.urls import reverse

from townsquare.catalog import policies
from townsquare.catalog.models import Dataset, Organization
from townsquare.catalog.vocabularies import LICENSES_BY_ID, THEMES_BY_CODE, AccessLevel
from townsquare.core.markdown import plain_text
from townsquare.interop.dcat_us import addresses, site


def organization(found: Organization) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "@type": "Organization",
        "name": found.name,
        "url": site(reverse("catalog:organization", args=[found.slug])),
    }
    if found.parent_id and found.parent is not None:
        shown["parentOrganization"] = organization(found.parent)
    return shown


def dataset_jsonld(dataset: Dataset) -> dict[str, Any]:
    page = site(reverse("catalog:dataset", args=[dataset.slug]))
    license = LICENSES_BY_ID.get(dataset.license)
    found: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": page,
        "name": dataset.title,
        "description": plain_text(dataset.description),
        "url": page,
        "identifier": dataset.identifier,
        "keywords": list(dataset.keywords)
        + [THEMES_BY_CODE[c].label for c in dataset.themes if c in THEMES_BY_CODE],
        "creator": organization(dataset.organization),
        "publisher": organization(dataset.organization),
        "dateModified": dataset.modified.isoformat(),
        "isAccessibleForFree": True,
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": settings.SITE_NAME,
            "url": site("/"),
        },
    }
    optional = {
        "license": license.url if license else None,
        "datePublished": dataset.issued.isoformat() if dataset.issued else None,
        "temporalCoverage": dataset.temporal or None,
        "spatialCoverage": {"@type": "Place", "name": dataset.spatial} if dataset.spatial else None,
        "inLanguage": list(dataset.language) or None,
        "distribution": _downloads(dataset) or None,
    }
    found.update({k: v for k, v in optional.items() if v is not None})
    return found


def _downloads(dataset: Dataset) -> list[dict[str, Any]]:
    """What anyone may download: the public files and links, and the data table."""
    if dataset.access_level != AccessLevel.PUBLIC:
        return []
    found = []
    for item in dataset.distributions.all():
        url = addresses(dataset, item).get("downloadURL")
        if url and policies.is_listed_file(item):
            download = {"@type": "DataDownload", "name": item.title, "contentUrl": url}
            if item.media_type:
                download["encodingFormat"] = item.media_type
            found.append(download)
    if getattr(dataset, "published_data", None) is not None:
        found.append(
            {
                "@type": "DataDownload",
                "name": "Data table (CSV)",
                "encodingFormat": "text/csv",
                "contentUrl": site(f"/api/v1/datasets/{dataset.slug}/export.csv"),
            }
        )
    return found


def script(dataset: Dataset) -> str:
    """The JSON-LD for a public dataset's page, safe inside a <script> element ("" for any
    other dataset: only public ones are offered to search engines)."""
    if not policies.is_public(dataset):
        return ""
    text = json.dumps(dataset_jsonld(dataset), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
