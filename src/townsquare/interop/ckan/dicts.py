"""Townsquare's datasets, files, organizations, themes and licenses as CKAN's dicts
(``package_dictize`` and friends in CKAN), with the DCAT fields CKAN lacks as ``extras``.

Ids: a package's ``id`` is the dataset's identifier, its ``name`` the slug; an organization's
``id`` is its number as text, its ``name`` the slug; a resource's ``id`` is the file's number;
a group is a theme of the EU vocabulary, named by its code in lower case."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from townsquare.catalog import policies
from townsquare.catalog.models import METADATA_FIELDS, Dataset, Distribution, Organization
from townsquare.catalog.presenters import page_url
from townsquare.catalog.vocabularies import (
    LICENSES,
    LICENSES_BY_ID,
    THEMES_BY_CODE,
    AccessLevel,
    License,
    State,
    Theme,
)

STATES = {State.PUBLISHED: "active", State.DRAFT: "draft", State.ARCHIVED: "deleted"}
# Dataset fields that CKAN's package has under its own names (the rest go to extras).
_OWN = {"identifier", "slug", "title", "description", "keywords", "themes", "license"}
_OWN |= {"contact_name", "contact_email", "landing_page", "extras", "featured"}


def moment(value: datetime | None) -> str | None:
    """CKAN's timestamps: UTC, ISO 8601 without a zone."""
    if value is None:
        return None
    if timezone.is_aware(value):
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat()


def license_dict(license: License) -> dict[str, Any]:
    return {
        "id": license.id,
        "title": license.title,
        "url": license.url,
        "is_okd_compliant": license.open,
        "od_conformance": "approved" if license.open else "not reviewed",
        "status": "active",
    }


def licenses() -> list[dict[str, Any]]:
    return [license_dict(license) for license in LICENSES]


def group_dict(theme: Theme, package_count: int | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": theme.code.lower(),
        "name": theme.code.lower(),
        "title": theme.label,
        "display_name": theme.label,
        "description": "",
        "image_display_url": "",
        "type": "group",
        "state": "active",
        "is_organization": False,
        "uri": theme.uri,
    }
    if package_count is not None:
        found["package_count"] = package_count
    return found


def organization_dict(
    request: HttpRequest, organization: Organization, package_count: int | None = None
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": str(organization.pk),
        "name": organization.slug,
        "title": organization.name,
        "display_name": organization.name,
        "type": "organization",
        "description": organization.description,
        "image_url": "",
        "image_display_url": "",
        "created": moment(organization.created_at),
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
        "url": page_url(request, "catalog:organization", organization.slug),
    }
    if package_count is not None:
        found["package_count"] = package_count
    return found


def resource_dict(
    request: HttpRequest, distribution: Distribution, dataset: Dataset
) -> dict[str, Any]:
    is_file = distribution.kind == Distribution.Kind.FILE
    url = distribution.download_url or distribution.access_url
    if is_file:
        url = request.build_absolute_uri(
            reverse("catalog:download", args=[dataset.slug, distribution.pk])
        )
    return {
        "id": str(distribution.pk),
        "package_id": dataset.identifier,
        "url": url,
        "name": distribution.title,
        "description": distribution.description,
        "format": distribution.format,
        "mimetype": distribution.media_type or None,
        "mimetype_inner": None,
        "size": distribution.byte_size,
        "hash": distribution.checksum_sha256,
        "resource_type": None,
        "url_type": "upload" if is_file else None,
        "created": moment(distribution.created_at),
        "last_modified": moment(distribution.updated_at),
        "metadata_modified": moment(distribution.updated_at),
        "cache_url": None,
        "cache_last_updated": None,
        "state": "active",
        "position": distribution.position,
        "datastore_active": False,
        "access_url": distribution.access_url,
        "download_url": url if distribution.download_url or is_file else "",
    }


def data_resource(
    request: HttpRequest, dataset: Dataset, published: Any, position: int
) -> dict[str, Any]:
    """The dataset's published data table as a DataStore resource (``datastore_search``),
    downloadable as CSV."""
    version = published.version
    url = request.build_absolute_uri(f"/api/v1/datasets/{dataset.slug}/export.csv")
    return {
        "id": f"data-{dataset.pk}",
        "package_id": dataset.identifier,
        "url": url,
        "name": "Data table",
        "description": f"The published data (version {version.number}, {version.row_count} rows).",
        "format": "CSV",
        "mimetype": "text/csv",
        "mimetype_inner": None,
        "size": None,
        "hash": "",
        "resource_type": None,
        "url_type": "datastore",
        "created": moment(version.created_at),
        "last_modified": moment(published.published_at),
        "metadata_modified": moment(published.published_at),
        "cache_url": None,
        "cache_last_updated": None,
        "state": "active",
        "position": position,
        "datastore_active": True,
        "access_url": "",
        "download_url": url,
    }


def package_dict(request: HttpRequest, dataset: Dataset) -> dict[str, Any]:
    """The package dict of a dataset loaded with its organization and distributions."""
    resources = [
        resource_dict(request, d, dataset)
        for d in dataset.distributions.all()
        if policies.is_listed_file(d)
    ]
    published = getattr(dataset, "published_data", None)
    if published is not None:
        resources.append(data_resource(request, dataset, published, len(resources)))
    return {
        "id": dataset.identifier,
        "name": dataset.slug,
        "title": dataset.title,
        "notes": dataset.description,
        "url": dataset.landing_page,
        "version": None,
        "author": dataset.organization.name,
        "author_email": None,
        "maintainer": dataset.contact_name,
        "maintainer_email": dataset.contact_email,
        **_license(dataset),
        "type": "dataset",
        "owner_org": str(dataset.organization_id),
        "organization": organization_dict(request, dataset.organization),
        "private": dataset.access_level == AccessLevel.NON_PUBLIC,
        "state": STATES.get(State(dataset.state), "active"),
        "creator_user_id": None,
        "metadata_created": moment(dataset.created_at),
        "metadata_modified": moment(dataset.modified),
        **_tags_and_groups(dataset),
        "extras": _extras(dataset),
        "resources": resources,
        "num_resources": len(resources),
        "relationships_as_subject": [],
        "relationships_as_object": [],
        "ckan_url": page_url(request, "catalog:dataset", dataset.slug),
    }


def _license(dataset: Dataset) -> dict[str, Any]:
    license = LICENSES_BY_ID.get(dataset.license)
    return {
        "license_id": dataset.license or None,
        "license_title": license.title if license else None,
        "license_url": license.url if license else None,
        "isopen": bool(license and license.open),
    }


def _tags_and_groups(dataset: Dataset) -> dict[str, Any]:
    tags = [
        {"id": k, "name": k, "display_name": k, "state": "active", "vocabulary_id": None}
        for k in dataset.keywords
    ]
    groups = [group_dict(THEMES_BY_CODE[c]) for c in dataset.themes if c in THEMES_BY_CODE]
    return {"tags": tags, "num_tags": len(tags), "groups": groups}


def _extras(dataset: Dataset) -> list[dict[str, str]]:
    """The DCAT-US fields CKAN has no place for (as ckanext-dcat names them: the DCAT-US
    field names), then the dataset's own custom fields; empty ones are left out."""
    found = []
    for name in METADATA_FIELDS:
        value = getattr(dataset, name)
        if name in _OWN or value in (None, "", []):
            continue
        found.append({"key": name, "value": _text(value)})
    found.append({"key": "identifier", "value": dataset.identifier})
    found.append({"key": "publisher", "value": dataset.organization.name})
    found += (
        [
            {
                "key": "theme",
                "value": _text(
                    [THEMES_BY_CODE[c].uri for c in dataset.themes if c in THEMES_BY_CODE]
                ),
            }
        ]
        if dataset.themes
        else []
    )
    taken = {item["key"] for item in found}
    found += [
        {"key": str(k), "value": _text(v)}
        for k, v in (dataset.extras or {}).items()
        if k not in taken
    ]
    return found


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return json.dumps(value)
