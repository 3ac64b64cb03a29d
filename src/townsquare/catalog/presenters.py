"""Datasets, organizations and distributions as plain dicts for the JSON API (and later for
other machine-readable outputs). No queries happen here beyond what the caller prefetched."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from townsquare.catalog import freshness
from townsquare.catalog.models import METADATA_FIELDS, Dataset, Distribution, Organization
from townsquare.catalog.search import Listed
from townsquare.catalog.vocabularies import LICENSES_BY_ID
from townsquare.core import markdown


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


@cache
def _path_prefix(route: str) -> str:
    """The path of a page addressed by slug, without the slug: reversed once, not per row."""
    return reverse(route, args=["slug-placeholder"]).removesuffix("slug-placeholder")


def page_url(request: HttpRequest, route: str, slug: str) -> str:
    return _absolute(request, _path_prefix(route) + slug)


def organization_ref(request: HttpRequest, organization: Organization) -> dict[str, str]:
    return {
        "slug": organization.slug,
        "name": organization.name,
        "url": page_url(request, "catalog:organization", organization.slug),
    }


def organization_out(request: HttpRequest, organization: Organization) -> dict[str, Any]:
    return {
        "slug": organization.slug,
        "name": organization.name,
        "description": organization.description,
        "email": organization.email,
        "homepage": organization.homepage,
        "parent": organization.parent.slug
        if organization.parent_id and organization.parent
        else None,
        "dataset_count": getattr(organization, "dataset_count", None),
        "url": page_url(request, "catalog:organization", organization.slug),
        "created_at": organization.created_at,
        "updated_at": organization.updated_at,
    }


def distribution_out(request: HttpRequest, distribution: Distribution) -> dict[str, Any]:
    download_url = distribution.download_url
    if distribution.kind == Distribution.Kind.FILE:
        download_url = _absolute(
            request,
            reverse("catalog:download", args=[distribution.dataset.slug, distribution.pk]),
        )
    return {
        "id": distribution.pk,
        "kind": distribution.kind,
        "title": distribution.title,
        "description": distribution.description,
        "format": distribution.format,
        "media_type": distribution.media_type,
        "byte_size": distribution.byte_size,
        "checksum_sha256": distribution.checksum_sha256,
        "download_url": download_url,
        "access_url": distribution.access_url,
        "license": distribution.license,
        "conforms_to": distribution.conforms_to,
        "described_by": distribution.described_by,
        "described_by_type": distribution.described_by_type,
        "availability": distribution.availability,
        "position": distribution.position,
        "created_at": distribution.created_at,
        "updated_at": distribution.updated_at,
    }


def dataset_summary(request: HttpRequest, dataset: Listed) -> dict[str, Any]:
    return {
        "slug": dataset.slug,
        "identifier": dataset.identifier,
        "title": dataset.title,
        "description": dataset.summary[:500],
        "organization": {
            "slug": dataset.organization.slug,
            "name": dataset.organization.name,
            "url": page_url(request, "catalog:organization", dataset.organization.slug),
        },
        "access_level": dataset.access_level,
        "license": dataset.license,
        "keywords": dataset.keywords,
        "themes": dataset.themes,
        "formats": dataset.formats,
        "modified": dataset.modified,
        "freshness": freshness.described(dataset.freshness, dataset.update_due_at, timezone.now()),
        "url": page_url(request, "catalog:dataset", dataset.slug),
    }


_PLAIN_FIELDS = (*METADATA_FIELDS, "state", "revision", "modified", "created_at", "updated_at")


def dataset_out(request: HttpRequest, dataset: Dataset) -> dict[str, Any]:
    data = {name: getattr(dataset, name) for name in _PLAIN_FIELDS}
    license = LICENSES_BY_ID.get(dataset.license)
    data.update(
        description_html=markdown.render(dataset.description),
        organization=organization_ref(request, dataset.organization),
        license_url=license.url if license else "",
        distributions=[
            distribution_out(request, d) for d in dataset.distributions.all() if not d.pending
        ],
        url=page_url(request, "catalog:dataset", dataset.slug),
        freshness=freshness.described(dataset.freshness, dataset.update_due_at, timezone.now()),
    )
    return data
