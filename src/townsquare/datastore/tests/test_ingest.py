"""Ingest of real and hostile files: each ingests sensibly or fails with a clear message on the
version, and the published version keeps serving."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import warnings
import zipfile
from collections import namedtuple
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from townsquare.core.actors import SYSTEM
from townsquare.datastore import files, loading, services
from townsquare.datastore.models import DataVersion, PublishedVersion
from townsquare.datastore.readers import detect
from townsquare.datastore.tests.helpers import ingest, rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(public_works: Any, make_dataset: Any) -> Any:
    return make_dataset(public_works, slug="data")


def types(version: DataVersion) -> dict[str, str]:
    return {f["name"]: f["type"] for f in version.fields}


def test_types_are_inferred_over_every_value(dataset: Any) -> None:
    csv = (
        b"id,zip,amount,ratio,opened,closed_at,active,when_us,note\n"
        b"1,02139,10,0.5,2024-01-05,2024-01-05 10:30:00,yes,01/31/2024,a\n"
        b"2,90210,NA,1.25,2024-02-29,2024-02-29T23:59:59,no,02/01/2024,\n"
        b"3,00501,-7,N/A,,,,12/25/2024,c\n"
    )
    version = ingest(dataset, "mixed.csv", csv)
    assert version.status == "ready", version.error
    assert types(version) == {
        "id": "integer",
        "zip": "string",
        "amount": "integer",
        "ratio": "number",
        "opened": "date",
        "closed_at": "datetime",
        "active": "boolean",
        "when_us": "date",
        "note": "string",
    }
    first = rows(version)[0]
    assert first[1] == "02139"  # leading zeros kept
    assert rows(version)[1][2] is None  # "NA" means no value


def test_a_value_beyond_the_sample_widens_its_column(dataset: Any) -> None:
    lines = ["n,label"] + [f"{i},x" for i in range(8000)] + ["12.5,x", "007,y"]
    version = ingest(dataset, "late.csv", "\n".join(lines).encode())
    assert version.status == "ready", version.error
    assert types(version)["n"] == "string"  # 007 is not a number
    values = [row[0] for row in rows(version)]
    assert values[-2:] == ["12.5", "007"]


def test_delimiter_quotes_and_quoted_line_breaks(dataset: Any) -> None:
    csv = b'id;name;"val"\n1;"a;b";3.5\n2;"line one\nline two";4\n3;x\n'
    version = ingest(dataset, "semi.csv", csv)
    assert version.status == "ready", version.error
    assert version.report["delimiter"] == ";"
    assert rows(version)[1][1] == "line one\nline two"
    assert version.report["ragged_rows"] == {"short": 1, "long": 0}


@pytest.mark.parametrize(
    ("encoding", "text"),
    [("utf-8-sig", "café"), ("cp1252", "“quoted” café"), ("latin-1", "caf\xe9 \x81")],
)
def test_encodings_are_detected(dataset: Any, encoding: str, text: str) -> None:
    version = ingest(dataset, "enc.csv", f"id,name\n1,{text}\n".encode(encoding))
    assert version.status == "ready", version.error
    assert rows(version)[0][1] == text
    assert [f["title"] for f in version.fields] == ["id", "name"]


def test_a_wrong_declared_encoding_fails_clearly(dataset: Any) -> None:
    version = ingest(dataset, "enc.csv", "id,name\n1,“x”\n".encode("cp1252"), encoding="utf-16")
    assert version.status == "failed"
    assert "is not valid utf-16" in version.error
    good = ingest(dataset, "enc.csv", "id,name\n1,“x”\n".encode("cp1252"), encoding="windows-1252")
    assert good.status == "ready"


def test_ragged_rows_are_counted_and_nothing_is_dropped(dataset: Any) -> None:
    version = ingest(dataset, "ragged.csv", b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n")
    assert version.status == "ready", version.error
    assert version.report["ragged_rows"] == {"short": 1, "long": 1}
    assert [f["title"] for f in version.fields] == ["a", "b", "c", "Extra column 1"]
    assert rows(version)[2] == (6, 7, 8, 9)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "The file is empty."),
        ("garbage.csv", bytes(range(256)) * 64, "The file is not text"),
        ("long.csv", b"a,b\n" + b"x" * (9 * 1024 * 1024) + b",1\n", "A line is longer than 8 MB"),
    ],
)
def test_bad_files_fail_with_a_clear_message(
    dataset: Any, name: str, content: bytes, message: str
) -> None:
    version = ingest(dataset, name, content)
    assert version.status == "failed"
    assert message in version.error
    assert version.parquet == ""


def test_header_only_makes_an_empty_version(dataset: Any) -> None:
    version = ingest(dataset, "header.csv", b"a,b,c\n")
    assert version.status == "ready", version.error
    assert version.row_count == 0
    assert [f["type"] for f in version.fields] == ["string", "string", "string"]


def test_duplicate_empty_and_foreign_column_names(dataset: Any) -> None:
    version = ingest(dataset, "names.csv", "name,name,,Größe,1st,_row\nx,y,z,1,2,3\n".encode())
    assert version.status == "ready", version.error
    assert [f["name"] for f in version.fields] == [
        "name",
        "name_2",
        "column_3",
        "grosse",
        "c_1st",
        "row",
    ]
    assert [f["title"] for f in version.fields] == [
        "name",
        "name",
        "column_3",
        "Größe",
        "1st",
        "_row",
    ]


def test_ten_thousand_columns(dataset: Any) -> None:
    header = ",".join(f"col{i}" for i in range(10_000))
    values = ",".join(str(i) for i in range(10_000))
    version = ingest(dataset, "wide.csv", f"{header}\n{values}\n{values}\n".encode())
    assert version.status == "ready", version.error
    assert len(version.fields) == 10_000
    assert version.fields[-1] == {"name": "col9999", "title": "col9999", "type": "string"}
    assert "kept as text" in version.report["wide"]
    assert version.profile["profiled"] == 1000


def test_gzip_and_zip_wrapped_csv(dataset: Any) -> None:
    assert ingest(dataset, "a.csv.gz", gzip.compress(b"a,b\n1,2\n")).row_count == 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("__MACOSX/._a.csv", b"junk")
        archive.writestr("folder/a.csv", b"a,b\n1,2\n3,4\n")
    assert ingest(dataset, "a.zip", buffer.getvalue()).row_count == 2


def test_a_zip_bomb_is_stopped(dataset: Any, settings: Any) -> None:
    settings.DATASTORE_MAX_UNPACKED_BYTES = 1024 * 1024
    version = ingest(dataset, "bomb.csv.gz", gzip.compress(b"a\n" + b"0\n" * 5_000_000))
    assert version.status == "failed"
    assert "unpacks to more than 1 MB" in version.error


def _zipped(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_bombs_are_refused_before_unpacking(
    dataset: Any, settings: Any, monkeypatch: Any
) -> None:
    def never(*args: Any) -> Any:
        raise AssertionError("nothing may be unpacked")

    monkeypatch.setattr(detect, "_copy_limited", never)
    zeros = b"a\n" + b"0\n" * 10_000_000  # 20 MB that packs into about 20 KB
    bomb = ingest(dataset, "bomb.zip", _zipped("a.csv", zeros))
    assert bomb.status == "failed"
    assert "times its packed size" in bomb.error and "zip bomb" in bomb.error
    shapes = ingest(dataset, "shapes.zip", _zipped("x/x.shp", zeros), format="shapefile")
    assert shapes.status == "failed" and "zip bomb" in shapes.error
    settings.DATASTORE_MAX_UNPACKED_BYTES = 1024 * 1024
    declared = ingest(dataset, "big.zip", _zipped("a.csv", b"a,b\n" + b"1,2\n" * 400_000))
    assert declared.status == "failed" and "would unpack to 2 MB" in declared.error


def test_a_gzip_stream_stops_at_its_ratio_and_at_the_free_disk(
    dataset: Any, monkeypatch: Any
) -> None:
    bomb = ingest(dataset, "bomb.csv.gz", gzip.compress(b"a\n" + b"0\n" * 10_000_000))
    assert bomb.status == "failed" and "unpacks to more than 2 MB" in bomb.error
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(0, 0, 512 * 1024**2 + 50_000))
    plain = b"a,b\n" + b"".join(f"{i},{i * 7}\n".encode() for i in range(20_000))
    full = ingest(dataset, "rows.csv.gz", gzip.compress(plain))
    assert full.status == "failed" and "than the disk can hold" in full.error


def test_spreadsheets(dataset: Any) -> None:
    workbook = Workbook()
    first = workbook.active
    assert isinstance(first, Worksheet)
    first.title = "Summary"
    first.append(["only"])
    data = workbook.create_sheet("Data")
    data.append(["id", "amount", None])
    data.append([1, 2.5, "extra"])
    data.append([2, 3, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    version = ingest(dataset, "book.xlsx", buffer.getvalue(), sheet="Data")
    assert version.status == "ready", version.error
    assert [f["title"] for f in version.fields] == ["id", "amount", "Column 3"]
    assert types(version)["amount"] == "number"
    missing = ingest(dataset, "book.xlsx", buffer.getvalue(), sheet="Nope")
    assert "There is no sheet 'Nope'; the sheets are: Summary, Data." in missing.error


def test_json_ndjson_and_parquet(dataset: Any, tmp_path: Path) -> None:
    array = json.dumps([{"a": 1, "b": {"c": [1, 2]}}, {"a": 2, "b": None, "later": "x"}]).encode()
    version = ingest(dataset, "a.json", array)
    assert version.status == "ready", version.error
    assert [f["name"] for f in version.fields] == ["a", "b", "later"]
    assert rows(version)[0][1] == '{"c":[1,2]}'
    lines = b'{"a": 1}\n{"a": 2, "b": "x"}\n'
    assert ingest(dataset, "a.ndjson", lines).row_count == 2
    table = pa.table({"n": [1, 2], "when": pa.array([1, 2], pa.timestamp("s"))})
    pq.write_table(table, tmp_path / "t.parquet")
    parquet = ingest(dataset, "t.parquet", (tmp_path / "t.parquet").read_bytes())
    assert types(parquet) == {"n": "integer", "when": "datetime"}


def _geojson(features: list[dict[str, Any]]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def test_geojson_with_invalid_and_missing_geometries(dataset: Any) -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    content = _geojson(
        [
            {
                "type": "Feature",
                "properties": {"name": "a"},
                "geometry": {"type": "Point", "coordinates": [1, 2]},
            },
            {"type": "Feature", "properties": {"name": "b"}, "geometry": bowtie},
            {"type": "Feature", "properties": {"name": "c"}, "geometry": None},
        ]
    )
    version = ingest(dataset, "g.geojson", content)
    assert version.status == "ready", version.error
    assert version.is_geographic and version.bbox == [0.0, 0.0, 1.0, 2.0]
    assert version.report["repaired_geometries"] == 1
    assert version.report["missing_geometries"] == 1
    assert [f["type"] for f in version.fields] == ["string", "geojson"]


def _features(*geometries: Any) -> bytes:
    return _geojson(
        [
            {"type": "Feature", "properties": {"n": i + 1}, "geometry": geometry}
            for i, geometry in enumerate(geometries)
        ]
    )


SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}


def test_geojson_features_are_repaired_or_refused_one_by_one(dataset: Any) -> None:
    unclosed = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}
    version = ingest(dataset, "u.geojson", _features(SQUARE, unclosed, SQUARE))
    assert version.status == "ready", version.error  # one unclosed ring does not fail the file
    assert version.row_count == 3 and version.report["repaired_features"] == [2]
    far = ingest(
        dataset, "f.geojson", _features(SQUARE, {"type": "Point", "coordinates": [500, -900]})
    )
    assert far.status == "failed"
    assert "feature 2" in far.error and "500, -900" in far.error
    unknown = {"type": "Circle", "coordinates": [1, 2], "radius": 3}
    odd = ingest(dataset, "c.geojson", _features(SQUARE, SQUARE, unknown))
    assert odd.status == "failed"
    assert "(Circle)" in odd.error and "feature 3" in odd.error


def test_geographic_errors_do_not_show_the_servers_paths(dataset: Any, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("broken/broken.shp", b"not a shapefile at all")
        archive.writestr("broken/broken.dbf", b"nor a table")
    version = ingest(dataset, "broken.zip", buffer.getvalue())
    assert version.status == "failed"
    assert "could not be read" in version.error
    assert (
        "/tmp" not in version.error
        and "/vsizip" not in version.error
        and "/work" not in version.error
    )


def _shapefile(tmp_path: Path, crs: str | None, x: float, y: float) -> bytes:
    table = pa.table({"name": ["here"], "wkb_geometry": shapely.to_wkb([shapely.Point(x, y)])})
    path = tmp_path / "places.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pyogrio warns when there is no CRS: intended
        pyogrio.write_arrow(
            table,
            path,
            driver="ESRI Shapefile",
            geometry_name="wkb_geometry",
            geometry_type="Point",
            crs=crs,
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in tmp_path.glob("places.*"):
            archive.write(part, f"places/{part.name}")
    return buffer.getvalue()


def test_shapefiles_are_reprojected_to_lon_lat(dataset: Any, tmp_path: Path) -> None:
    version = ingest(dataset, "p.zip", _shapefile(tmp_path, "EPSG:3857", -10112000.0, 5458000.0))
    assert version.status == "ready", version.error
    assert version.bbox is not None
    west, south, _, _ = version.bbox
    assert -90.9 < west < -90.7 and 43.9 < south < 44.0
    assert "reprojected from EPSG:3857" in version.report["crs"]


def test_shapefile_without_prj(dataset: Any, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    lonlat = ingest(dataset, "a.zip", _shapefile(tmp_path / "a", None, -90.8, 43.9))
    assert lonlat.status == "ready" and "taken as longitude/latitude" in lonlat.report["crs"]
    projected = ingest(dataset, "b.zip", _shapefile(tmp_path / "b", None, 500000.0, 4800000.0))
    assert projected.status == "failed"
    assert "does not say which coordinate system" in projected.error


def test_identical_content_is_reported_not_ingested_again(dataset: Any) -> None:
    first = ingest(dataset, "a.csv", b"a\n1\n")
    again = services.version_create(
        actor=SYSTEM, dataset=dataset, upload=ContentFile(b"a\n1\n", name="b.csv"), enqueue=False
    )
    assert again.duplicate_of == first
    assert DataVersion.objects.count() == 1


def test_a_failed_ingest_leaves_the_published_version_serving(dataset: Any) -> None:
    good = ingest(dataset, "a.csv", b"a\n1\n")
    assert PublishedVersion.objects.get(dataset=dataset).version == good
    bad = ingest(dataset, "b.csv", b"")
    assert bad.status == "failed"
    assert PublishedVersion.objects.get(dataset=dataset).version == good
    assert files.local_path(good.parquet).exists()


def test_a_steward_schema_reports_values_that_do_not_fit(dataset: Any) -> None:
    first = ingest(dataset, "a.csv", b"code,amount\nA1,10\nB2,x\n3,12\n")
    schema = {
        "fields": [
            {"name": "code", "type": "integer"},
            {"name": "amount", "type": "integer", "title": "Amount (USD)"},
        ]
    }
    second = services.version_reingest(
        actor=SYSTEM, version=first, table_schema=schema, enqueue=False
    )
    second = services.version_ingest(second.pk)
    assert second.status == "ready", second.error
    failures = {f["column"]: f for f in second.report["cast_failures"]}
    assert failures["code"]["count"] == 2
    assert failures["code"]["sample"] == [{"row": 1, "value": "A1"}, {"row": 2, "value": "B2"}]
    assert failures["amount"]["sample"] == [{"row": 2, "value": "x"}]
    assert rows(second) == [(None, 10), (None, None), (3, 12)]


def test_cleanup_after_a_killed_ingest(dataset: Any) -> None:
    good = ingest(dataset, "a.csv", b"a\n1\n")
    created = services.version_create(
        actor=SYSTEM, dataset=dataset, upload=ContentFile(b"a\n2\n", name="b.csv"), enqueue=False
    )
    killed = created.version
    folder = loading.version_folder_of(killed)
    stray = files.save_bytes(b"half-written", f"{folder}/data.parquet")
    DataVersion.objects.filter(pk=killed.pk).update(
        status="ingesting", heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    orphan = files.save_bytes(b"x", "datastore/999/v1-abc/original/x.csv")
    kept_export = files.save_bytes(b"a\n1\n", f"{loading.version_folder_of(good)}/exports/d.csv")
    scratch = Path(settings.DATA_DIR) / "tmp" / "exports" / "abandoned.csv"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    scratch.write_bytes(b"half an export")
    old = (timezone.now() - timedelta(hours=1)).timestamp()
    os.utime(scratch, (old, old))
    result = services.storage_cleanup()
    assert result["interrupted"] == 1 and result["files_removed"] == 2
    assert result["scratch_removed"] >= 1 and not scratch.exists()
    killed.refresh_from_db()
    assert killed.status == "failed" and "interrupted" in killed.error
    assert not default_storage.exists(stray) and not default_storage.exists(orphan)
    assert default_storage.exists(killed.original)  # kept: it can be ingested again
    assert default_storage.exists(good.parquet)
    assert default_storage.exists(kept_export)
    assert PublishedVersion.objects.get(dataset=dataset).version == good


def test_mixed_line_endings_are_read(dataset: Any) -> None:
    """A file edited on two systems: some lines end with CR LF, others with LF (34 KB)."""
    lines = [f"{i},name {i},{i * 3.5}" for i in range(1700)]
    body = "id,name,amount\r\n" + "".join(
        line + ("\r\n" if i % 3 else "\n") for i, line in enumerate(lines)
    )
    assert 30_000 < len(body) < 40_000
    version = ingest(dataset, "mixed.csv", body.encode())
    assert version.status == "ready", version.error
    assert version.row_count == 1700 and types(version)["amount"] == "number"


def test_a_column_that_falls_back_to_text_says_because_of_which_values(
    dataset: Any, public_works: Any, steward: Any
) -> None:
    rows = [f"{i},{i * 10}" for i in range(1, 3000)]
    rows[2500] = '2501,"12,5"'  # a decimal comma, deep in the file…
    rows[2700] = "2701,n/a?"  # …and a value that is no number at all
    version = ingest(dataset, "amounts.csv", ("id,amount\n" + "\n".join(rows) + "\n").encode())
    assert version.status == "ready", version.error
    assert types(version)["amount"] == "string"
    (fell,) = version.report["fell_back"]
    assert (fell["column"], fell["from"], fell["to"], fell["count"]) == (
        "amount",
        "integer",
        "string",
        2,
    )
    assert fell["sample"] == [{"row": 2501, "value": "12,5"}, {"row": 2701, "value": "n/a?"}]
    page = Client()
    page.force_login(steward)
    body = page.get(f"/datasets/{dataset.slug}/data/versions/{version.pk}").content.decode()
    assert "Column <code>amount</code> is text, not whole number" in body
    assert "row 2501 “12,5”, row 2701 “n/a?”" in body


def test_a_wider_row_far_into_the_file_is_read_and_counted(dataset: Any) -> None:
    """Beyond the rows the sniffer reads, a row with an extra field (a decimal comma) does not
    fail the file: it is read as wide as its widest row and counted as ragged."""
    rows = [f"{i},{i * 10}" for i in range(1, 30_000)]
    rows[25_000] = "25001,12,5"
    version = ingest(dataset, "amounts.csv", ("id,amount\n" + "\n".join(rows) + "\n").encode())
    assert version.status == "ready", version.error
    assert version.row_count == 29_999
    assert version.report["ragged_rows"] == {"short": 0, "long": 1}


def test_a_version_says_checking_until_its_checks_and_decision_are_over(
    dataset: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ready is not done: the page and the API wait (phase "checking") while the app above
    checks the version and decides its publication, and only then say "done"."""
    seen: list[tuple[str, str]] = []

    def watch(version: DataVersion) -> None:
        stored = DataVersion.objects.get(pk=version.pk)
        seen.append((stored.status, stored.phase))

    monkeypatch.setattr(loading, "VERSION_READY", [watch, *loading.VERSION_READY])
    version = ingest(dataset, "a.csv", b"a,b\n1,2\n")
    assert seen == [("ready", "checking")]
    assert (version.status, version.phase) == ("ready", "done")
