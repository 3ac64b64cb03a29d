"""The read-only SQL endpoint, the most dangerous code in the portal: real queries work; a
corpus of hostile queries and a fuzzer never reach a file, a setting, another database or a
dataset the caller may not read, and never cause a 500."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from townsquare.accounts.services import token_create
from townsquare.datastore import files
from townsquare.datastore.tests.helpers import flights_csv, ingest

pytestmark = pytest.mark.django_db

SECRET = "SECRET-7f3a9c"  # a value only in the non-public dataset
LIMITED = "LIMITED-41d2"  # a value only in the restricted public dataset


@pytest.fixture
def portal(public_works: Any, make_dataset: Any) -> dict[str, Any]:
    flights = make_dataset(public_works, slug="flights", title="Flights")
    ingest(flights, "flights.csv", flights_csv())
    secret = make_dataset(public_works, slug="payroll", access_level="non-public", rights="HR.")
    version = ingest(secret, "payroll.csv", f"name,salary\n{SECRET},100\n".encode())
    limited = make_dataset(
        public_works, slug="limited", access_level="restricted public", rights="Ask."
    )
    ingest(limited, "limited.csv", f"code\n{LIMITED}\n".encode())
    return {"secret_path": str(files.local_path(version.parquet))}


def sql(q: str, client: Client | None = None, **extra: str) -> Any:
    return (client or Client()).get("/api/v1/sql", {"q": q, **extra})


def test_select_with_aggregates_joins_ctes_and_windows(portal: dict[str, Any]) -> None:
    body = sql(
        'SELECT carrier, count(*) AS n, round(avg(dep_delay), 1) AS delay FROM "flights" '
        "WHERE origin = 'EWR' GROUP BY carrier ORDER BY n DESC, carrier"
    ).json()
    assert body["fields"][:2] == [
        {"name": "carrier", "title": "carrier", "type": "string"},
        {"name": "n", "title": "n", "type": "integer"},
    ]
    assert sum(row["n"] for row in body["rows"]) == 200
    assert body["truncated"] is False and body["count"] == 5
    joined = sql(
        "WITH ua AS (SELECT id, month FROM flights WHERE carrier = 'UA') "
        "SELECT f.id, ua.month, row_number() OVER (ORDER BY f.id DESC) AS r "
        "FROM flights f JOIN ua ON ua.id = f.id ORDER BY f.id LIMIT 3"
    )
    assert joined.status_code == 200, joined.content
    assert joined.json()["rows"][0] == {"id": 5, "month": 6, "r": 60}
    union = sql("SELECT 1 AS one FROM flights LIMIT 1 UNION ALL SELECT 2 FROM flights LIMIT 1")
    assert union.status_code == 200, union.content
    csv = sql("SELECT carrier FROM flights WHERE id = 4", format="csv")
    assert csv.content.decode() == "carrier\r\n'=cmd|' /C calc'!A0\r\n"


def test_rows_are_capped(portal: dict[str, Any], settings: Any) -> None:
    settings.DATASTORE_SQL_MAX_ROWS = 50
    body = sql("SELECT id FROM flights").json()
    assert (body["count"], body["truncated"], body["limit"]) == (50, True, 50)
    assert sql("SELECT id FROM flights LIMIT 1000").json()["count"] == 50
    assert sql("SELECT id FROM flights LIMIT 7").json()["truncated"] is False


def test_slow_queries_are_stopped(portal: dict[str, Any], settings: Any) -> None:
    settings.DATASTORE_QUERY_SECONDS = 1
    response = sql(
        "SELECT max(a.note || b.carrier || c.origin || cast(d.id AS varchar)) "
        "FROM flights a, flights b, flights c, flights d"
    )
    assert response.status_code == 400
    assert "stopped" in response.json()["detail"]


def test_members_may_query_their_non_public_data(portal: dict[str, Any], viewer: Any) -> None:
    _, token = token_create(actor=viewer, user=viewer, name="t")
    member = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert sql("SELECT name FROM payroll", member).json()["rows"] == [{"name": SECRET}]


# Each of these must be refused (400) or answer without any protected value. They come from
# the ways SQL endpoints have been broken: other statements, files, the network, settings,
# extensions, catalogs, protected tables by name, path, alias or error message.
HOSTILE = [
    "SELECT * FROM payroll",
    'SELECT * FROM "payroll"',
    "SELECT * FROM PAYROLL",
    "SELECT * FROM limited",
    "SELECT * FROM flights, payroll",
    "SELECT * FROM flights UNION ALL SELECT name, salary, 1, 2, 3, 4, 5 FROM payroll",
    "SELECT * FROM flights WHERE id IN (SELECT salary FROM payroll)",
    "SELECT (SELECT name FROM payroll) FROM flights",
    "WITH x AS (SELECT * FROM payroll) SELECT * FROM x",
    "WITH payroll AS (SELECT * FROM payroll) SELECT * FROM payroll",
    "SELECT * FROM main.payroll",
    "SELECT * FROM memory.main.payroll",
    "SELECT * FROM read_parquet('{secret}')",
    "SELECT * FROM '{secret}'",
    'SELECT * FROM "{secret}"',
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_csv_auto('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_blob('/etc/passwd')",
    "SELECT * FROM read_json('/etc/passwd')",
    "SELECT * FROM parquet_scan('{secret}')",
    "SELECT * FROM parquet_metadata('{secret}')",
    "SELECT * FROM glob('/*')",
    "SELECT * FROM sniff_csv('/etc/passwd')",
    "SELECT * FROM flights, read_csv('/etc/passwd')",
    "SELECT read_text('/etc/passwd') FROM flights",
    "SELECT * FROM sqlite_scan('/tmp/x.db', 't')",
    "SELECT * FROM postgres_scan('host=127.0.0.1', 'public', 'x')",
    "SELECT * FROM 'https://example.com/x.csv'",
    "SELECT * FROM query('SELECT * FROM payroll')",
    "SELECT * FROM query_table('payroll')",
    "SELECT * FROM duckdb_settings()",
    "SELECT * FROM duckdb_tables()",
    "SELECT * FROM duckdb_databases()",
    "SELECT * FROM duckdb_extensions()",
    "SELECT * FROM information_schema.tables",
    "SELECT * FROM pg_catalog.pg_tables",
    "SELECT current_setting('allowed_paths') FROM flights",
    "SELECT getenv('HOME') FROM flights",
    "SELECT getvariable('x') FROM flights",
    "SELECT version() FROM flights",
    "SELECT current_database() FROM flights",
    "SELECT * FROM flights; SELECT * FROM payroll",
    "SELECT 1 FROM flights; DROP TABLE flights",
    "DROP TABLE flights",
    "DELETE FROM flights",
    "UPDATE flights SET carrier = 'x'",
    "INSERT INTO flights VALUES (1)",
    "CREATE TABLE x AS SELECT * FROM flights",
    "CREATE MACRO m() AS 1",
    "ATTACH '/tmp/evil.db' AS evil",
    "DETACH flights",
    "COPY flights TO '/tmp/out.csv'",
    "COPY (SELECT * FROM payroll) TO '/tmp/out.csv'",
    "EXPORT DATABASE '/tmp/out'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "RESET lock_configuration",
    "PRAGMA database_list",
    "CALL pragma_version()",
    "DESCRIBE payroll",
    "SUMMARIZE payroll",
    "SHOW TABLES",
    "EXPLAIN SELECT * FROM payroll",
    "FROM payroll",
    "PIVOT payroll ON name USING sum(salary)",
    "SELECT * FROM flights WHERE carrier = '' OR 1=1 --",
    "SELECT * FROM flights /* */ UNION SELECT * FROM payroll",
    "SELECT * FROM flights WHERE carrier = 'x'' UNION SELECT name FROM payroll --'",
    "SELECT $1 FROM flights",
    "SELECT ? FROM flights",
    "SELECT COLUMNS('.*') FROM payroll",
    "SELECT * EXCLUDE (id) FROM flights, payroll",
    "SELECT list_transform([1], x -> x + 1) FROM flights",
    "SELECT * FROM flights f, LATERAL (SELECT * FROM payroll) p",
    "SELECT * FROM flights POSITIONAL JOIN payroll",
    "SELECT * FROM flights ASOF JOIN payroll ON true",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r",
    "SELECT * FROM (VALUES (1)) v",
    "SELECT * FROM range(1000000000)",
    "SELECT * FROM generate_series(1, 1000000000)",
    "SELECT * FROM flights TABLESAMPLE 10%",
    "SELECT * FROM flights AT (VERSION => 1)",
    "SELECT to_json(payroll) FROM payroll",
    "SELECT * FROM flights WHERE carrier = (SELECT name FROM payroll LIMIT 1)",
    "SELECT * FROM flights WHERE EXISTS (SELECT 1 FROM payroll WHERE salary > 50)",
    "SELECT * FROM flights ORDER BY (SELECT salary FROM payroll)",
    "SELECT * FROM flights INTO OUTFILE '/tmp/x'",
    "SELECT * INTO x FROM flights",
    "SELECT * FROM flights WHERE carrier = 'UA' AND id = 1e309",
    "SELECT * FROM flights WHERE id = 99999999999999999999999999999999999999",
    "SELECT repeat('x', 1000000000) FROM flights",
    "SELECT * FROM flights WHERE " + "(" * 500 + "1=1" + ")" * 500,
    "SELECT " + ", ".join(["id"] * 3000) + " FROM flights",
    "SELECT '\x00' FROM flights",
    'SELECT * FROM "payroll\u0000"',
    "SELECT * FROM fl\u0131ghts",
    "SELECT * FROM payroll_",
    "SELECT * FROM pay-roll",
    "",
    ";",
    "--",
]


def test_hostile_queries_reach_nothing(portal: dict[str, Any]) -> None:
    for template in HOSTILE:  # one test: the portal is set up once for all of them
        _check_hostile(template.replace("{secret}", portal["secret_path"]), portal)


def _check_hostile(query: str, portal: dict[str, Any]) -> None:
    before = _files_under(Path("/tmp"))
    response = sql(query)
    assert response.status_code in (200, 400), (query, response.status_code, response.content)
    text = response.content.decode()
    assert SECRET not in text and LIMITED not in text, query
    if portal["secret_path"] not in query:  # error messages may quote what was sent
        assert portal["secret_path"] not in text and str(settings.DATA_DIR) not in text, query
    assert "root:" not in text, query  # /etc/passwd
    if response.status_code == 400:
        assert response.json()["detail"], query
    assert _files_under(Path("/tmp")) - before <= set(), query  # nothing written


def _files_under(folder: Path) -> set[str]:
    names = {"out.csv", "evil.db", "out", "x", "x.db"}
    return {p.name for p in folder.iterdir() if p.name in names}


def test_protected_datasets_are_indistinguishable_from_missing_ones(
    portal: dict[str, Any],
) -> None:
    messages = {
        name: sql(f"SELECT * FROM {name}").json()["detail"].replace(name, "NAME")
        for name in ("payroll", "limited", "no_such_dataset")
    }
    assert len(set(messages.values())) == 1, messages


TOKENS = [
    "SELECT",
    "*",
    "FROM",
    "flights",
    "payroll",
    "limited",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "UNION",
    "ALL",
    "(",
    ")",
    ",",
    ";",
    "--",
    "/*",
    "*/",
    "'",
    '"',
    "=",
    "<",
    ">",
    "1",
    "0",
    "NULL",
    "read_csv",
    "read_parquet",
    "'/etc/passwd'",
    "glob",
    "query",
    "current_setting",
    "COPY",
    "TO",
    "ATTACH",
    "INSTALL",
    "LOAD",
    "SET",
    "PRAGMA",
    "CALL",
    "WITH",
    "AS",
    "x",
    "JOIN",
    "ON",
    "GROUP",
    "BY",
    "ORDER",
    "LIMIT",
    "count",
    "name",
    "salary",
    "id",
    "carrier",
    "IN",
    "EXISTS",
    "LATERAL",
    "->",
    "::",
    "$1",
    "?",
    "||",
    "CASE",
    "WHEN",
    "THEN",
    "END",
    "getenv",
    "duckdb_settings",
    "'{secret}'",
    "OVER",
    "QUALIFY",
    "SAMPLE",
    "DESCRIBE",
    ".",
]


@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=25))
@fuzz_settings(
    max_examples=int(os.environ.get("TOWNSQUARE_FUZZ_EXAMPLES", "300")),
    deadline=None,
    derandomize=os.environ.get("TOWNSQUARE_FUZZ_RANDOM") != "1",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_fuzzed_queries_never_fail_or_leak(portal: dict[str, Any], tokens: list[str]) -> None:
    query = " ".join(tokens).replace("{secret}", portal["secret_path"])
    _check_safe(query, portal)


@given(st.text(max_size=200))
@fuzz_settings(
    max_examples=int(os.environ.get("TOWNSQUARE_FUZZ_EXAMPLES", "300")),
    deadline=None,
    derandomize=os.environ.get("TOWNSQUARE_FUZZ_RANDOM") != "1",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_fuzzed_text_after_a_select_never_fails_or_leaks(portal: dict[str, Any], tail: str) -> None:
    _check_safe("SELECT * FROM flights " + tail, portal)


def _check_safe(query: str, portal: dict[str, Any]) -> None:
    response = sql(query)
    assert response.status_code in (200, 400), (query, response.content)
    text = response.content.decode()
    assert SECRET not in text and LIMITED not in text, query
    if portal["secret_path"] not in query:  # error messages may quote what was sent
        assert portal["secret_path"] not in text, query
    if response.status_code == 200:
        json.loads(text)
