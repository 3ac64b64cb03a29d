"""GeoJSON and zipped Shapefiles: attributes as text columns, geometries as WKB in EPSG:4326
with their bounding boxes (so that DuckDB can filter by box without a spatial extension)."""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio
import shapely
from pyproj import CRS, Transformer

from townsquare.datastore.engine import literal
from townsquare.datastore.errors import IngestError
from townsquare.datastore.readers.staged import Staged

BATCH = 20_000
WGS84 = CRS.from_epsg(4326)


def stage(
    path: Path,
    filename: str,
    folder: Path,
    options: dict[str, Any],
    progress: Callable[[float], None],
) -> Staged:
    source = _shapefile_path(path) if options.get("format") == "shapefile" else str(path)
    try:
        info = pyogrio.read_info(source)
    except Exception as exc:  # noqa: BLE001  (GDAL's errors)
        raise IngestError(f"The geographic file could not be read: {_plain(exc)}") from None
    titles = [str(name) for name in info["fields"]]
    transform, crs_note = _transformer(info)
    target = folder / "stage.parquet"
    total = max(int(info.get("features") or 0), 1)
    counts = Counts()
    warned = _write(
        source, target, titles, transform, counts, lambda: progress(100 * counts.rows / total)
    )
    if any("Unsupported geometry type" in str(w.message) for w in warned):
        raise IngestError(_unknown_types(path, filename, counts.empty_features))
    if counts.out_of_range:
        raise IngestError(_out_of_range(counts.out_of_range, crs_note))
    return Staged(
        f"read_parquet({literal(str(target))})",
        titles,
        geographic=True,
        notes=counts.notes(crs_note),
    )


def _write(
    source: str,
    target: Path,
    titles: list[str],
    transform: Any,
    counts: Counts,
    progress: Callable[[], None],
) -> list[warnings.WarningMessage]:
    """Write the features as text columns to ``target``; returns GDAL's warnings."""
    schema = _staging_schema(len(titles))
    try:
        with (
            warnings.catch_warnings(record=True) as warned,
            pyogrio.open_arrow(source, batch_size=BATCH, use_pyarrow=True) as (meta, reader),
            pq.ParquetWriter(target, schema, compression="zstd") as writer,
        ):
            warnings.simplefilter("always")
            geometry_name = meta.get("geometry_name") or "wkb_geometry"
            for batch in reader:
                writer.write_batch(
                    _convert(batch, titles, geometry_name, transform, schema, counts)
                )
                progress()
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise IngestError(f"The geographic file could not be read: {_plain(exc)}") from None
    return warned


def _staging_schema(columns: int) -> Any:
    """Text columns ``c0``…, then the geometry (WKB) and its bounding box."""
    return pa.schema(
        [(f"c{i}", pa.string()) for i in range(columns)]
        + [
            ("geometry", pa.binary()),
            ("_minx", pa.float64()),
            ("_miny", pa.float64()),
            ("_maxx", pa.float64()),
            ("_maxy", pa.float64()),
        ]
    )


@dataclass
class Counts:
    """What happened to the features, by feature number (1 is the file's first)."""

    rows: int = 0
    repaired: list[int] = field(default_factory=list)
    empty: int = 0
    empty_features: list[int] = field(default_factory=list)
    out_of_range: list[tuple[int, float, float]] = field(default_factory=list)

    def notes(self, crs_note: str) -> dict[str, Any]:
        notes: dict[str, Any] = {"crs": crs_note}
        if self.repaired:
            notes["repaired_geometries"] = len(self.repaired)
            notes["repaired_features"] = self.repaired[:SHOWN]
        if self.empty:
            notes["missing_geometries"] = self.empty
        return notes


SHOWN = 20  # feature numbers kept per kind of problem
GEOJSON_TYPES = {
    "point", "multipoint", "linestring", "multilinestring", "polygon", "multipolygon",
    "geometrycollection", "feature", "featurecollection", "name", "link",
}  # fmt: skip


def _plain(exc: Exception) -> str:
    """GDAL's message without the server's paths (and its advice about driver prefixes)."""
    text = str(exc).split("; It might help to specify", 1)[0]
    return re.sub(r"(/vsizip/)?/[^\s:'\"]+/", "", text)


def _numbers(features: list[int]) -> str:
    shown = ", ".join(str(n) for n in features[:5])
    more = f" and {len(features) - 5} more" if len(features) > 5 else ""
    return f"{'feature' if len(features) == 1 else 'features'} {shown}{more}"


def _unknown_types(path: Path, filename: str, features: list[int]) -> str:
    found = set()
    if filename.lower().endswith((".json", ".geojson")):
        with path.open("rb") as handle:
            head = handle.read(64 * 1024 * 1024).decode("utf-8", "replace")
        found = {t for t in re.findall(r'"type"\s*:\s*"([^"]{1,40})"', head)}
        found = {t for t in found if t.lower() not in GEOJSON_TYPES}
    kinds = f" ({', '.join(sorted(found))})" if found else ""
    return (
        f"Some geometries are of a type GeoJSON does not have{kinds}: {_numbers(features)} of "
        "the file have none that can be read. Use Point, LineString, Polygon, their Multi… "
        "forms or GeometryCollection, and load the file again."
    )


def _out_of_range(features: list[tuple[int, float, float]], crs_note: str) -> str:
    number, x, y = features[0]
    return (
        f"The coordinates of {_numbers([n for n, _, _ in features])} are not on the Earth once "
        f"read as longitude and latitude (feature {number} reaches {x:g}, {y:g}; the file's "
        f"coordinate system: {crs_note}). Correct them, or declare the coordinate system the "
        "file really uses, and load it again."
    )


def _shapefile_path(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        shapes = [
            n
            for n in archive.namelist()
            if n.lower().endswith(".shp") and not n.startswith("__MACOSX")
        ]
    if len(shapes) != 1:
        raise IngestError(
            f"The zip archive should hold one Shapefile (.shp); it holds {len(shapes)}."
        )
    return f"/vsizip/{path}/{shapes[0]}"


def _transformer(info: dict[str, Any]) -> tuple[Any, str]:
    """What turns the file's coordinates into EPSG:4326, and a note saying what was done."""
    declared = info.get("crs")
    if not declared:
        bounds = info.get("total_bounds") or (0, 0, 0, 0)
        if (
            all(np.isfinite(bounds))
            and -180 <= bounds[0] <= bounds[2] <= 180
            and -90 <= bounds[1] <= bounds[3] <= 90
        ):
            return None, "none declared; coordinates taken as longitude/latitude (EPSG:4326)"
        raise IngestError(
            "The file does not say which coordinate system it uses (a Shapefile needs its .prj "
            "file), and its coordinates are not longitude/latitude."
        )
    crs = CRS.from_user_input(declared)
    if crs.equals(WGS84, ignore_axis_order=True):
        return None, "EPSG:4326"
    transformer = Transformer.from_crs(crs, WGS84, always_xy=True)
    return transformer, f"reprojected from {crs.to_string()} to EPSG:4326"


def _count_out_of_range(bounds: Any, present: Any, first: int, counts: Counts) -> None:
    """Features whose coordinates cannot be longitude and latitude, by feature number."""
    off = present & (
        (bounds[:, 0] < -180.000001)
        | (bounds[:, 2] > 180.000001)
        | (bounds[:, 1] < -90.000001)
        | (bounds[:, 3] > 90.000001)
    )
    for i in np.flatnonzero(off)[: SHOWN - len(counts.out_of_range)]:
        x = bounds[i, 0] if bounds[i, 0] < -180 else bounds[i, 2]
        y = bounds[i, 1] if bounds[i, 1] < -90 else bounds[i, 3]
        counts.out_of_range.append((first + int(i), float(x), float(y)))


def _convert(
    batch: pa.RecordBatch,
    titles: list[str],
    geometry_name: str,
    transform: Any,
    schema: pa.Schema,
    counts: Counts,
) -> pa.RecordBatch:
    columns = [_as_text(batch.column(title)) for title in titles]
    raw = batch.column(geometry_name).to_numpy(zero_copy_only=False)
    first = counts.rows + 1  # the feature number of the batch's first row
    geometries = shapely.from_wkb(raw, on_invalid="ignore")
    unreadable = np.array(
        [g is None and w is not None for g, w in zip(geometries, raw, strict=True)]
    )
    if unreadable.any():  # an unclosed ring, say: closed, as GDAL and other readers do
        geometries[unreadable] = shapely.from_wkb(raw[unreadable], on_invalid="fix")
    if transform is not None:
        geometries = shapely.transform(
            geometries, lambda xy: np.column_stack(transform.transform(xy[:, 0], xy[:, 1]))
        )
    present = ~shapely.is_missing(geometries)
    invalid = present & ~shapely.is_valid(geometries)
    if invalid.any():
        geometries[invalid] = shapely.make_valid(geometries[invalid])
    repaired = np.flatnonzero(unreadable | invalid)
    counts.repaired += [first + int(i) for i in repaired[: SHOWN - len(counts.repaired)]]
    missing = np.flatnonzero(~present)
    counts.empty += len(missing)
    counts.empty_features += [first + int(i) for i in missing[: SHOWN - len(counts.empty_features)]]
    bounds = shapely.bounds(geometries)
    _count_out_of_range(bounds, present, first, counts)
    wkb = shapely.to_wkb(geometries)
    counts.rows += batch.num_rows
    boxes = [pa.array(bounds[:, i], mask=np.isnan(bounds[:, i])) for i in range(4)]  # none: NULL
    arrays = columns + [pa.array(wkb, pa.binary())] + boxes
    return pa.record_batch(arrays, schema=schema)


def _as_text(column: pa.Array) -> pa.Array:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.cast(pa.string())
    if pa.types.is_boolean(column.type):
        return pa.array(
            [None if v is None else ("true" if v else "false") for v in column.to_pylist()],
            pa.string(),
        )
    return column.cast(pa.string())
