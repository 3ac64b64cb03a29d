"""A page of records as JSON, CSV or GeoJSON."""

from __future__ import annotations

import csv
import datetime
import decimal
import io
from collections.abc import Iterable, Sequence
from typing import Any

import orjson
import shapely

from townsquare.core.cells import neutralize
from townsquare.datastore.query.records import Column


def _default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return None
    if isinstance(value, datetime.timedelta):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, default=_default)


def geometries_as_geojson(values: Sequence[Any]) -> list[Any]:
    """WKB values as GeoJSON text fragments (None stays None)."""
    shapes = shapely.from_wkb(list(values), on_invalid="ignore")
    texts = shapely.to_geojson(shapes)
    return [None if t is None else orjson.Fragment(t) for t in texts]


def geometries_as_wkt(values: Sequence[Any]) -> list[str | None]:
    shapes = shapely.from_wkb(list(values), on_invalid="ignore")
    return list(shapely.to_wkt(shapes, rounding_precision=-1))


def _with_geometry(
    columns: list[Column], rows: list[tuple[Any, ...]], convert: Any
) -> list[list[Any]]:
    table = [list(row) for row in rows]
    for index, column in enumerate(columns):
        if column.geometry:
            converted = convert([row[index] for row in rows]) if rows else []
            for row, value in zip(table, converted, strict=True):
                row[index] = value
    return table


def field_list(columns: list[Column]) -> list[dict[str, Any]]:
    return [{"name": c.name, "title": c.title, "type": c.type} for c in columns]


def as_json(
    columns: list[Column], rows: list[tuple[Any, ...]], head: dict[str, Any], tail: dict[str, Any]
) -> bytes:
    names = [c.name for c in columns]
    table = _with_geometry(columns, rows, geometries_as_geojson)
    body = {
        **head,
        "fields": field_list(columns),
        "rows": [dict(zip(names, row, strict=True)) for row in table],
        **tail,
    }
    return dumps(body)


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralize(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def csv_lines(columns: list[Column], rows: Iterable[tuple[Any, ...]]) -> Iterable[str]:
    """Header then rows, as CSV text chunks; geometry as WKT."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralize(c.name) for c in columns])
    geometry = [i for i, c in enumerate(columns) if c.geometry]
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= 5000:
            _write_batch(writer, columns, batch, geometry)
            batch = []
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    _write_batch(writer, columns, batch, geometry)
    yield buffer.getvalue()


def _write_batch(
    writer: Any, columns: list[Column], rows: list[tuple[Any, ...]], geometry: list[int]
) -> None:
    table = _with_geometry(columns, rows, geometries_as_wkt) if geometry else rows
    writer.writerows([csv_cell(v) for v in row] for row in table)


def as_csv(columns: list[Column], rows: list[tuple[Any, ...]]) -> bytes:
    return "".join(csv_lines(columns, rows)).encode()


def features(columns: list[Column], rows: list[tuple[Any, ...]]) -> list[bytes]:
    """Each row as a GeoJSON Feature (serialized)."""
    where = next(i for i, c in enumerate(columns) if c.geometry)
    names = [c.name for c in columns]
    shapes = geometries_as_geojson([row[where] for row in rows]) if rows else []
    out = []
    for row, shape in zip(rows, shapes, strict=True):
        properties = {n: v for i, (n, v) in enumerate(zip(names, row, strict=True)) if i != where}
        out.append(dumps({"type": "Feature", "geometry": shape, "properties": properties}))
    return out


def as_geojson(columns: list[Column], rows: list[tuple[Any, ...]], head: dict[str, Any]) -> bytes:
    body = b",".join(features(columns, rows))
    start = dumps({"type": "FeatureCollection", **head})[:-1]
    return start + b',"features":[' + body + b"]}"
