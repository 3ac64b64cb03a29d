from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class VersionSummary(Schema):
    id: int
    number: int
    status: str
    published: bool
    phase: str
    percent: float
    rows_done: int
    row_count: int | None
    columns: int
    source_name: str
    source_url: str
    content_hash: str
    is_geographic: bool
    error: str
    created_by: str | None
    created_at: datetime
    finished_at: datetime | None
    url: str


class VersionOut(VersionSummary):
    original_size: int | None
    parquet_size: int | None
    options: dict[str, Any]
    bbox: list[float] | None
    table_schema: dict[str, Any]
    report: dict[str, Any]
    profile: dict[str, Any]
    started_at: datetime | None


class VersionCreated(Schema):
    version: VersionOut
    duplicate_of: int | None = Field(None, description="The id of the identical version, if any.")
    message: str


class ReaderOptions(Schema):
    model_config = ConfigDict(extra="forbid")

    format: str = Field(
        "", description="csv, xlsx, json, ndjson, geojson, shapefile, parquet; empty: detect."
    )
    encoding: str = Field("", description="utf-8, windows-1252, latin-1, …; empty: detect.")
    delimiter: str = ""
    sheet: str = Field("", description="The spreadsheet's sheet; empty: the first.")


class FromUrlIn(ReaderOptions):
    url: str


class ReingestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    table_schema: dict[str, Any] = Field(
        description="A Frictionless Table Schema for the file's columns."
    )
