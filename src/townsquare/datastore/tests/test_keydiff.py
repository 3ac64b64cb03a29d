"""Differences between versions, row by row, in DuckDB: by the primary key (changed cells old
→ new), by whole row without one, with the schema changes, a key that is not unique, every
column type, and the rows read a page at a time."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from townsquare.core.actors import SYSTEM
from townsquare.datastore import keydiff, services
from townsquare.datastore.models import VersionDiff
from townsquare.datastore.tests.helpers import ingest

pytestmark = pytest.mark.django_db

BEFORE = b"""permit,kind,fee,issued,paid,lat
P1,fence,120.5,2026-01-03,true,42.1
P2,deck,300,2026-01-04,false,42.2
P3,shed,80,2026-01-05,true,42.3
P4,roof,950,2026-01-06,true,42.4
"""
AFTER = b"""permit,kind,fee,issued,paid,lat
P1,fence,120.5,2026-01-03,true,42.1
P2,deck,325,2026-01-04,true,42.2
P4,roof,950,2026-01-07,true,42.4
P5,pool,1200,2026-02-01,false,42.5
"""


@pytest.fixture
def versions(public_works: Any, make_dataset: Any) -> tuple[Any, Any]:
    dataset = make_dataset(public_works, slug="permits")
    return ingest(dataset, "p.csv", BEFORE), ingest(dataset, "p.csv", AFTER)


def test_by_key_the_changed_cells_old_to_new(versions: tuple[Any, Any]) -> None:
    old, new = versions
    found = keydiff.compare(old, new, key=["permit"])
    assert (found.added, found.removed, found.changed, found.key) == (1, 1, 2, ["permit"])
    rows = keydiff.rows(found)
    by_permit = {r["values"]["permit"]: r for r in rows}
    assert [r["change"] for r in rows] == ["added", "changed", "changed", "removed"]
    p2 = by_permit["P2"]
    assert p2["changed"] == ["fee", "paid"]  # a number and a boolean
    assert p2["before"] == {"fee": 300.0, "paid": False} and p2["values"]["fee"] == 325.0
    assert by_permit["P4"]["changed"] == ["issued"]  # a date
    assert by_permit["P4"]["before"]["issued"] == "2026-01-06"
    assert by_permit["P3"]["values"]["kind"] == "shed"  # the removed row as it was
    assert keydiff.rows(found, change="added")[0]["values"]["permit"] == "P5"
    assert len(keydiff.rows(found, offset=1, limit=2)) == 2


def test_without_a_key_by_whole_row(versions: tuple[Any, Any]) -> None:
    old, new = versions
    found = keydiff.compare(old, new)
    assert (found.added, found.removed, found.changed, found.key) == (3, 3, 0, [])
    assert found.note == ""


def test_the_table_schemas_primary_key_is_used(versions: tuple[Any, Any]) -> None:
    old, new = versions
    keyed = services.version_reingest(
        actor=SYSTEM,
        version=new,
        table_schema={**new.table_schema, "primaryKey": "permit"},
        enqueue=False,
    )
    keyed = services.version_ingest(keyed.pk)
    assert keyed.table_schema["primaryKey"] == ["permit"]
    found = keydiff.compare(old, keyed)
    assert (found.key, found.changed) == (["permit"], 2)
    with pytest.raises(ValidationError, match="does not publish: nope"):
        services.version_reingest(
            actor=SYSTEM,
            version=new,
            table_schema={**new.table_schema, "primaryKey": ["nope"]},
            enqueue=False,
        )


def test_a_key_that_repeats_falls_back_to_whole_rows_and_says_so(
    public_works: Any, make_dataset: Any
) -> None:
    dataset = make_dataset(public_works, slug="dupes")
    old = ingest(dataset, "p.csv", BEFORE)
    new = ingest(dataset, "p.csv", AFTER + b"P5,spa,10,2026-02-02,true,42.6\n")
    found = keydiff.compare(old, new, key=["permit"])
    assert found.key == []
    assert found.note == (
        "the key (permit) is not unique in version 2 (1 rows share a key with another): "
        "compared by whole row"
    )
    assert keydiff.compare(old, new, key=["nope"]).note.startswith(
        "the key names columns both versions do not have (nope)"
    )


def test_schema_changes_and_a_retyped_column_compared_as_text(
    public_works: Any, make_dataset: Any
) -> None:
    dataset = make_dataset(public_works, slug="retyped")
    old = ingest(dataset, "p.csv", BEFORE)
    new = ingest(
        dataset,
        "p.csv",
        b"permit,kind,fee,inspector\nP1,fence,free,Ann\nP2,deck,300,Bo\nP3,shed,80,Cy\nP4,roof,950,Di\n",
    )
    found = keydiff.compare(old, new, key=["permit"])
    assert found.schema["columns_added"] == ["inspector"]
    assert found.schema["columns_removed"] == ["issued", "paid", "lat"]
    assert found.schema["types_changed"] == [
        {"column": "fee", "before": "number", "after": "string"}
    ]
    changed = keydiff.rows(found, change="changed")
    assert [(r["values"]["permit"], r["before"], r["values"]["fee"]) for r in changed] == [
        ("P1", {"fee": "120.5"}, "free"),
        ("P2", {"fee": "300.0"}, "300"),
        ("P3", {"fee": "80.0"}, "80"),
        ("P4", {"fee": "950.0"}, "950"),
    ]


def test_computed_once_and_written_as_csv(versions: tuple[Any, Any]) -> None:
    old, new = versions
    first = keydiff.compare(old, new, key=["permit"])
    again = keydiff.compare(old, new, key=["permit"])
    assert first.pk == again.pk and VersionDiff.objects.count() == 1
    text = "".join(keydiff.csv_lines(first))
    lines = text.strip().splitlines()
    assert lines[0].startswith("change,permit,kind,fee,issued,paid,lat,permit before")
    assert lines[0].endswith("changed columns")
    assert len(lines) == 5 and any(line.startswith("changed,P2,deck,325.0") for line in lines)
    assert ",300.0," in next(line for line in lines if ",P2," in line)


def test_a_primary_key_given_with_the_file_is_kept(public_works: Any, make_dataset: Any) -> None:
    dataset = make_dataset(public_works, slug="given")
    old = ingest(dataset, "p.csv", BEFORE, primary_key="permit")
    new = ingest(dataset, "p.csv", AFTER, primary_key="permit")
    assert new.table_schema["primaryKey"] == ["permit"]
    assert keydiff.compare(old, new).changed == 2
    wrong = ingest(dataset, "p.csv", BEFORE + b"P7,x,1,2026-01-01,true,1\n", primary_key="nope")
    assert "primaryKey" not in wrong.table_schema
    assert "The primary key was not kept: no published column nope." in wrong.report["notes"]
