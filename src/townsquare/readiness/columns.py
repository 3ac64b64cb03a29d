"""The inventory's spreadsheet columns, read and written by the same table: a file exported by
the portal imports again unchanged. Headers match whatever their case and spacing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import TextChoices

from townsquare.catalog.vocabularies import LICENSE_CHOICES, AccessLevel
from townsquare.readiness.models import InventoryItem

Parse = Callable[[str], Any]


@dataclass(frozen=True)
class Column:
    name: str  # the header, and the field (or relation) it fills
    parse: Parse
    required: bool = False


def text(value: str) -> str:
    """The cell's text; an apostrophe the export put before a formula sign is dropped."""
    value = value.strip()
    if value.startswith("'") and value[1:2] in ("=", "+", "-", "@"):
        return value[1:]
    return value


def count(value: str) -> int:
    value = value.strip()
    if not value:
        return 0
    if not re.fullmatch(r"\d+", value.replace(",", "")):
        raise ValueError("Write a whole number of 0 or more.")
    return int(value.replace(",", ""))


def scale(value: str) -> int:
    number = count(value)
    if number > 3:
        raise ValueError("Mark it from 0 (none) to 3 (high).")
    return number


def yes_no(value: str) -> bool:
    word = value.strip().lower()
    if word in ("", "no", "n", "false", "0"):
        return False
    if word in ("yes", "y", "true", "1"):
        return True
    raise ValueError("Write yes or no.")


def choice(choices: type[TextChoices] | list[tuple[str, str]], default: str = "") -> Parse:
    """A choice given by its value or its label, in any case."""
    pairs = choices.choices if isinstance(choices, type) else choices
    known = {str(value).lower(): str(value) for value, _ in pairs}
    known.update({str(label).lower(): str(value) for value, label in pairs})

    def parse(value: str) -> str:
        word = value.strip().lower()
        if not word:
            return default
        if word not in known:
            listed = ", ".join(str(v) for v, _ in pairs[:12])
            more = ", …" if len(pairs) > 12 else ""
            raise ValueError(f"{value.strip()!r} is not one of: {listed}{more}.")
        return known[word]

    return parse


COLUMNS = [
    Column("identifier", text, required=True),
    Column("title", text, required=True),
    Column("description", text),
    Column("department", text, required=True),  # its slug or its name
    Column("steward", text),  # a username or an email address
    Column("source_system", text),
    Column("format", text),
    Column("update_frequency", text),
    Column("access_level", choice(AccessLevel, AccessLevel.PUBLIC)),
    Column("reason", choice(InventoryItem.Reason)),
    Column("reason_note", text),
    Column("privacy", choice(InventoryItem.Privacy, InventoryItem.Privacy.NONE)),
    Column("license", choice(LICENSE_CHOICES)),
    Column("state", choice(InventoryItem.State, InventoryItem.State.CANDIDATE)),
    Column("dataset", text),  # the published dataset's slug
    Column("public_requests", count),
    Column("failed_searches", count),
    Column("records_requests", count),
    Column("transparency", scale),
    Column("services", scale),
    Column("economic", scale),
    Column("purpose", scale),
    Column("effort", scale),
    Column("sensitivity", scale),
    Column("source_quality_risk", scale),
    Column("risk_resolved", yes_no),
    Column("verified", yes_no),
]
BY_NAME = {column.name: column for column in COLUMNS}
RELATIONS = {"department", "steward", "dataset"}


def header_name(header: Any) -> str:
    """``Update frequency``, ``update-frequency`` and ``UPDATE_FREQUENCY`` name one column."""
    return re.sub(r"[\s\-]+", "_", str(header or "").strip().lower())


def cell(item: InventoryItem, name: str) -> str | int:
    """The item's value in one column, as the export writes it."""
    if name == "department":
        return item.organization.slug
    if name == "steward":
        return item.steward.username if item.steward else ""
    if name == "dataset":
        return item.dataset.slug if item.dataset else ""
    value = getattr(item, name)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value if isinstance(value, int) else str(value)
