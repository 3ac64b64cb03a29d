"""What a data version changes against another: columns added, removed or retyped, the row
count, and a sample of added and removed rows (compared on the columns both have)."""

from __future__ import annotations

from typing import Any

from townsquare.datastore import engine, files
from townsquare.datastore.engine import literal
from townsquare.datastore.models import DataVersion
from townsquare.datastore.names import quote

SAMPLE = 5


def compare(old: DataVersion | None, new: DataVersion) -> dict[str, Any]:
    new_types = {f["name"]: f["type"] for f in new.fields if f["type"] != "geojson"}
    if old is None or not old.parquet:
        return {
            "columns_added": list(new_types),
            "columns_removed": [],
            "types_changed": [],
            "rows_before": None,
            "rows_after": new.row_count,
            "added_sample": [],
            "removed_sample": [],
            "compared_on": [],
        }
    old_types = {f["name"]: f["type"] for f in old.fields if f["type"] != "geojson"}
    common = [name for name in new_types if name in old_types]
    result: dict[str, Any] = {
        "columns_added": [n for n in new_types if n not in old_types],
        "columns_removed": [n for n in old_types if n not in new_types],
        "types_changed": [
            {"column": n, "before": old_types[n], "after": new_types[n]}
            for n in common
            if old_types[n] != new_types[n]
        ],
        "rows_before": old.row_count,
        "rows_after": new.row_count,
        "compared_on": common,
        "added_sample": [],
        "removed_sample": [],
    }
    if common and new.parquet:
        result["added_sample"] = _sample(common, new, old)
        result["removed_sample"] = _sample(common, old, new)
    return result


def _sample(columns: list[str], present: DataVersion, absent: DataVersion) -> list[list[Any]]:
    """Rows of ``present`` (as text) that ``absent`` does not have."""
    selected = ", ".join(f"CAST({quote(c)} AS VARCHAR)" for c in columns)

    def table(version: DataVersion) -> str:
        return f"read_parquet({literal(str(files.local_path(version.parquet)))})"

    con = engine.connect(columns=len(columns))
    try:
        rows = con.execute(
            f"SELECT * FROM (SELECT {selected} FROM {table(present)} EXCEPT "  # noqa: S608 (quoted names, literal paths)
            f"SELECT {selected} FROM {table(absent)}) ORDER BY ALL LIMIT {SAMPLE}"
        ).fetchall()
    finally:
        con.close()
    return [list(row) for row in rows]
