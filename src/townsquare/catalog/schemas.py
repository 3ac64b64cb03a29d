"""Shapes of the catalog API. They check shape only; the services check the rules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class OrganizationRef(Schema):
    slug: str
    name: str
    url: str


class OrganizationOut(Schema):
    slug: str
    name: str
    description: str
    email: str
    homepage: str
    parent: str | None = Field(None, description="The slug of the parent organization.")
    dataset_count: int | None = None
    url: str
    created_at: datetime
    updated_at: datetime


class OrganizationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str
    slug: str = ""
    description: str = ""
    email: str = ""
    homepage: str = ""
    parent: str | None = Field(None, description="The slug of the parent organization.")


class OrganizationPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    slug: str | None = None
    description: str | None = None
    email: str | None = None
    homepage: str | None = None
    parent: str | None = None


class DistributionOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    format: str
    media_type: str
    byte_size: int | None
    checksum_sha256: str
    download_url: str
    access_url: str
    license: str
    conforms_to: str
    described_by: str
    described_by_type: str
    availability: str
    position: int
    created_at: datetime
    updated_at: datetime


class DistributionLinkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = ""
    description: str = ""
    download_url: str = ""
    access_url: str = ""
    format: str = ""
    media_type: str = ""
    license: str = ""
    conforms_to: str = ""
    described_by: str = ""
    described_by_type: str = ""
    availability: str = Field("", description="EXPERIMENTAL, AVAILABLE, STABLE or OP_DATPRO.")


class DistributionPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    description: str | None = None
    download_url: str | None = None
    access_url: str | None = None
    format: str | None = None
    media_type: str | None = None
    license: str | None = None
    conforms_to: str | None = None
    described_by: str | None = None
    described_by_type: str | None = None
    availability: str | None = None
    position: int | None = None


class _DatasetFields(Schema):
    """Every editable metadata field; see docs/api.md for the DCAT-US name of each."""

    model_config = ConfigDict(extra="forbid")

    identifier: str | None = None
    slug: str | None = None
    keywords: list[str] | None = None
    themes: list[str] | None = Field(None, description="EU Data Theme codes such as GOVE, TRAN.")
    license: str | None = Field(None, description="A license id from GET /licenses.")
    access_level: str | None = Field(None, description="public, restricted public or non-public.")
    rights: str | None = None
    accrual_periodicity: str | None = Field(None, description="R/P1M, R/P1Y, … or irregular.")
    temporal: str | None = Field(
        None, description="An ISO 8601 interval, e.g. 2020-01-01/2024-12-31."
    )
    spatial: str | None = None
    issued: date | None = None
    language: list[str] | None = None
    landing_page: str | None = None
    references: list[str] | None = None
    conforms_to: str | None = None
    described_by: str | None = None
    described_by_type: str | None = None
    is_part_of: str | None = None
    data_quality: bool | None = None
    system_of_records: str | None = None
    primary_it_investment_uii: str | None = None
    bureau_code: list[str] | None = None
    program_code: list[str] | None = None
    featured: bool | None = None
    extras: dict[str, Any] | None = None


class DatasetIn(_DatasetFields):
    title: str
    description: str
    organization: str = Field(description="The slug of the publishing organization.")
    contact_name: str
    contact_email: str


class DatasetPatch(_DatasetFields):
    title: str | None = None
    description: str | None = None
    organization: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    state: str | None = Field(
        None, description="Read-only: publication goes through review (POST …/submit)."
    )


class FreshnessOut(Schema):
    state: str = Field(
        description="fresh, due, overdue, delinquent, or empty: no update frequency with a "
        "period (formula in docs/api.md)."
    )
    label: str
    due_at: datetime | None = Field(description="When the next data update is (or was) due.")
    days_late: int = Field(description="Days since the update was due (0 when not due yet).")


class DatasetSummary(Schema):
    slug: str
    identifier: str
    title: str
    description: str
    organization: OrganizationRef
    access_level: str
    license: str
    keywords: list[str]
    themes: list[str]
    formats: list[str]
    modified: datetime
    freshness: FreshnessOut
    url: str


class DatasetOut(Schema):
    slug: str
    identifier: str
    title: str
    description: str
    description_html: str
    organization: OrganizationRef
    keywords: list[str]
    themes: list[str]
    contact_name: str
    contact_email: str
    license: str
    license_url: str
    access_level: str
    rights: str
    accrual_periodicity: str
    temporal: str
    spatial: str
    issued: date | None
    modified: datetime
    language: list[str]
    landing_page: str
    references: list[str]
    conforms_to: str
    described_by: str
    described_by_type: str
    is_part_of: str
    data_quality: bool | None
    system_of_records: str
    primary_it_investment_uii: str
    bureau_code: list[str]
    program_code: list[str]
    featured: bool
    extras: dict[str, Any]
    distributions: list[DistributionOut]
    state: str = Field(description="draft, published or archived; only published is public.")
    revision: int
    created_at: datetime
    updated_at: datetime
    freshness: FreshnessOut
    url: str


class FacetItemOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    count: int
    page: int
    per_page: int
    pages: int
    next: str | None
    previous: str | None
    results: list[DatasetSummary]
    facets: dict[str, list[FacetItemOut]]


class LicenseOut(Schema):
    id: str
    title: str
    url: str


class ThemeOut(Schema):
    code: str
    label: str
    uri: str
