"""The inventory item as the API takes it: the spreadsheet's columns, each optional on a change
(identifier, title and department are needed to add one)."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict, Field


class ItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    identifier: str | None = Field(None, description="The item's key; it does not change.")
    title: str | None = None
    description: str | None = None
    department: str | None = Field(None, description="The department's slug or name.")
    steward: str | None = Field(None, description="A username or an email address.")
    source_system: str | None = None
    format: str | None = None
    update_frequency: str | None = Field(None, description="ISO 8601, e.g. R/P1M, or irregular.")
    access_level: str | None = Field(None, description="public, restricted public or non-public.")
    reason: str | None = Field(
        None, description="Why it cannot be released: privacy, security, legal, contract, quality."
    )
    reason_note: str | None = None
    privacy: str | None = Field(None, description="none, indirect, personal or sensitive.")
    license: str | None = None
    state: str | None = Field(
        None,
        description="candidate, shortlisted, in preparation, published or not releasable.",
    )
    dataset: str | None = Field(None, description="The published dataset's slug.")
    public_requests: int | None = None
    failed_searches: int | None = None
    records_requests: int | None = None
    transparency: int | None = Field(None, description="0 (none) to 3 (high), as each factor.")
    services: int | None = None
    economic: int | None = None
    purpose: int | None = None
    effort: int | None = None
    sensitivity: int | None = None
    source_quality_risk: int | None = None
    risk_resolved: bool | None = None
    verified: bool | None = Field(None, description="Reviewed with the working group.")
