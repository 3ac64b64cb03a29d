"""Withholding personal data from publication. A field of a steward's table schema may carry a
treatment: ``exclude`` (the column is left out), ``mask`` (every value becomes ``***``, or
``***`` and its last few characters) or ``coarsen`` (dates to their year or month, numbers down
to a multiple of a step, text to its first characters). The version's Parquet file holds only
the treated values; the original file is kept for the stewards and never served.

The table schema keeps each field as the steward wrote it (the source type and the
treatment), so the file can be read again; ``published`` gives the columns as published.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from townsquare.datastore.engine import literal

KINDS = ("exclude", "mask", "coarsen")
DATE_UNITS = ("year", "month")
MASK = "***"
MASK_KEEP = 4  # at most this many last characters stay visible
PREFIX_DEFAULT = 3  # text is coarsened to its first 3 characters unless told
STEP_DEFAULT = 10


def of(field: dict[str, Any]) -> dict[str, Any] | None:
    treatment = field.get("treatment")
    return treatment if isinstance(treatment, dict) else None


def normalize(raw: Any, kind_of_field: str) -> dict[str, Any]:
    """The treatment as stored, from ``"mask"`` or ``{"kind": "mask", "keep": 4}``; raises
    ValueError naming what is wrong."""
    treatment = {"kind": raw} if isinstance(raw, str) else raw
    if not isinstance(treatment, dict) or treatment.get("kind") not in KINDS:
        raise ValueError(f"The treatment must be one of {', '.join(KINDS)}.")
    kind = treatment["kind"]
    unknown = set(treatment) - {"kind", "keep", "to"}
    if unknown:
        raise ValueError(f"Unknown treatment option {sorted(unknown)[0]!r}.")
    if kind == "exclude":
        return {"kind": kind}
    if kind == "mask":
        keep = treatment.get("keep", 0)
        if not _whole(keep) or not 0 <= keep <= MASK_KEEP:
            raise ValueError(f"A mask keeps 0 to {MASK_KEEP} last characters.")
        return {"kind": kind, "keep": keep}
    return {"kind": kind, "to": _coarse_unit(treatment.get("to"), kind_of_field)}


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _coarse_unit(to: Any, kind_of_field: str) -> Any:
    if kind_of_field in ("date", "datetime"):
        to = to or "year"
        if to not in DATE_UNITS:
            raise ValueError("Dates are coarsened to their year or their month.")
        return to
    if kind_of_field in ("integer", "number"):
        to = STEP_DEFAULT if to is None else to
        if isinstance(to, bool) or not isinstance(to, int | float) or to <= 0:
            raise ValueError("Numbers are coarsened to a positive step, for example 10.")
        return to
    if kind_of_field == "string":
        to = PREFIX_DEFAULT if to is None else to
        if not _whole(to) or not 1 <= to <= 20:
            raise ValueError("Text is coarsened to its first 1 to 20 characters.")
        return to
    raise ValueError(f"A {kind_of_field} column cannot be coarsened; exclude or mask it.")


def published_type(field: dict[str, Any]) -> str:
    treatment, kind = of(field), str(field.get("type", "string"))
    if treatment is None:
        return kind
    if treatment["kind"] == "mask":
        return "string"
    if kind in ("date", "datetime"):
        return "integer" if treatment["to"] == "year" else "string"
    if kind == "integer" and isinstance(treatment["to"], float):
        return "number"
    return kind


def published(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The columns of the Parquet file: excluded ones left out, treated ones with the type
    they are published with and without the constraints (those were about the raw values)."""
    shown = []
    for field in fields:
        treatment = of(field)
        if treatment is None:
            shown.append(field)
        elif treatment["kind"] != "exclude":
            kept = {k: v for k, v in field.items() if k in ("name", "title", "description")}
            shown.append({**kept, "type": published_type(field), "treatment": treatment})
    return shown


def withheld(fields: list[dict[str, Any]]) -> dict[str, str]:
    """Treated columns and how: {name: kind}."""
    return {f["name"]: t["kind"] for f in fields if (t := of(f)) is not None}


def expression(typed: str, field: dict[str, Any]) -> str | None:
    """SQL for the published value, from the typed value ``typed``; None: leave it out."""
    treatment = of(field)
    if treatment is None:
        return typed
    kind = treatment["kind"]
    if kind == "exclude":
        return None
    if kind == "mask":
        keep = treatment["keep"]
        shown = f"right(CAST({typed} AS VARCHAR), {keep})" if keep else "''"
        return f"CASE WHEN {typed} IS NULL THEN NULL ELSE {literal(MASK)} || {shown} END"
    to, source = treatment["to"], field.get("type", "string")
    if source in ("date", "datetime"):
        if to == "year":
            return f"CAST(year({typed}) AS BIGINT)"
        return f"strftime({typed}, '%Y-%m')"
    if source in ("integer", "number"):
        step = repr(float(to)) if isinstance(to, float) else str(int(to))
        cast = "BIGINT" if published_type(field) == "integer" else "DOUBLE"
        return f"CAST(floor({typed} / {step}) * {step} AS {cast})"
    return f"left({typed}, {int(to)})"


def carry(fields: list[dict[str, Any]], in_force: dict[str, dict[str, Any]]) -> list[str]:
    """Give each field the treatment its column had in the dataset's previous version (a
    withheld column stays withheld on every later version, until a steward lifts it). A
    coarsening that no longer fits the column's type becomes an exclusion: never the raw
    values. Returns the names of the columns treated so."""
    carried = []
    for field in fields:
        previous = in_force.get(field["name"])
        if previous is None or of(field) is not None:
            continue
        try:
            field["treatment"] = normalize(previous, field.get("type", "string"))
        except ValueError:
            field["treatment"] = {"kind": "exclude"}
        carried.append(field["name"])
    return carried
