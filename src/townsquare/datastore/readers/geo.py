"""GeoJSON and zipped Shapefiles: attributes as text columns, geometries as WKB in EPSG:4326
with their bounding boxes (so that DuckDB can filter by box without a spatial extension)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
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
        raise IngestError(f"The geographic file could not be read: {exc}") from None
    titles = [str(name) for name in info["fields"]]
    transform, crs_note = _transformer(info)
    schema = pa.schema(
        [(f"c{i}", pa.string()) for i in range(len(titles))]
        + [
            ("geometry", pa.binary()),
            ("_minx", pa.float64()),
            ("_miny", pa.float64()),
            ("_maxx", pa.float64()),
            ("_maxy", pa.float64()),
        ]
    )
    target = folder / "stage.parquet"
    total = max(int(info.get("features") or 0), 1)
    counts = {"rows": 0, "repaired": 0, "empty": 0}
    try:
        with (
            pyogrio.open_arrow(source, batch_size=BATCH, use_pyarrow=True) as (meta, reader),
            pq.ParquetWriter(target, schema, compression="zstd") as writer,
        ):
            geometry_name = meta.get("geometry_name") or "wkb_geometry"
            for batch in reader:
                writer.write_batch(
                    _convert(batch, titles, geometry_name, transform, schema, counts)
                )
                progress(100 * counts["rows"] / total)
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise IngestError(f"The geographic file could not be read: {exc}") from None
    notes: dict[str, Any] = {"crs": crs_note}
    if counts["repaired"]:
        notes["repaired_geometries"] = counts["repaired"]
    if counts["empty"]:
        notes["missing_geometries"] = counts["empty"]
    return Staged(f"read_parquet({literal(str(target))})", titles, geographic=True, notes=notes)


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


def _convert(
    batch: pa.RecordBatch,
    titles: list[str],
    geometry_name: str,
    transform: Any,
    schema: pa.Schema,
    counts: dict[str, int],
) -> pa.RecordBatch:
    columns = [_as_text(batch.column(title)) for title in titles]
    geometries = shapely.from_wkb(batch.column(geometry_name).to_numpy(zero_copy_only=False))
    if transform is not None:
        geometries = shapely.transform(
            geometries, lambda xy: np.column_stack(transform.transform(xy[:, 0], xy[:, 1]))
        )
    present = ~shapely.is_missing(geometries)
    invalid = present & ~shapely.is_valid(geometries)
    if invalid.any():
        geometries[invalid] = shapely.make_valid(geometries[invalid])
        counts["repaired"] += int(invalid.sum())
    counts["empty"] += int((~present).sum())
    bounds = shapely.bounds(geometries)
    wkb = shapely.to_wkb(geometries)
    counts["rows"] += batch.num_rows
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
