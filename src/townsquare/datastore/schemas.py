from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

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


class QueryParams(Schema):
    select: str = Field("", description="Columns and expressions, e.g. `carrier, count(*) AS n`.")
    where: str = Field("", description="A condition, e.g. `carrier = 'UA' and month = 7`.")
    group_by: str = Field("", description="Columns or expressions to group rows by.")
    having: str = Field("", description="A condition on groups, e.g. `count(*) > 100`.")
    order_by: str = Field("", description="e.g. `dep_delay desc, carrier`.")
    q: str = Field("", description="Words that must all appear in the row's text columns.")
    bbox: str = Field("", description="west,south,east,north in degrees (geographic data).")


class RecordsParams(QueryParams):
    limit: int = Field(100, ge=0, le=10_000, description="Rows per page, at most 10,000.")
    offset: int = Field(0, ge=0, le=2**62, description="Rows to skip.")
    format: Literal["json", "csv", "geojson"] = "json"


class ExportParams(QueryParams):
    limit: int = Field(0, ge=0, description="At most this many rows; 0: all of them.")
    offset: int = Field(0, ge=0, le=2**62, description="Rows to skip.")


class SqlParams(Schema):
    q: str = Field(description='One SELECT statement; tables are dataset slugs, e.g. "flights".')
    format: Literal["json", "csv"] = "json"
