"""The read-only SQL endpoint: one SELECT over the published datasets the caller may read.

This is the most dangerous code in the portal, so it is guarded three times:

1. the statement is parsed and every node checked against the allowlist in ``grammar`` (no
   file, network, settings or catalog functions; no statements but SELECT); every table must be
   a dataset the caller may read, and a dataset the caller may not read gets the same answer
   as one that does not exist;
2. the SQL that runs is generated from the checked tree, tables replaced by the portal's own
   reads of exactly those datasets' Parquet files, values bound as parameters;
3. it runs in a database of its own that may open exactly those files and nothing else, with
   its configuration locked, a memory limit, a time limit and a row cap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from sqlglot import exp

from townsquare.catalog.models import Dataset
from townsquare.core.actors import Actor
from townsquare.datastore import engine, files, policies, selectors
from townsquare.datastore.build import HIDDEN_COLUMNS
from townsquare.datastore.errors import QueryError
from townsquare.datastore.models import DataVersion
from townsquare.datastore.names import quote
from townsquare.datastore.query import run
from townsquare.datastore.query.check import Parameters, Scope, check, parse

CLAUSE = "q"
SLUG = re.compile(r"[A-Za-z0-9_-]{1,100}")
STATEMENTS = (exp.Select, exp.Union, exp.Intersect, exp.Except)
TABLE_PARTS = {"this", "alias"}


@dataclass
class SqlResult:
    names: list[str]
    types: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool
    limit: int


def run_sql(*, actor: Actor, text: str) -> SqlResult:
    if not text.strip():
        raise QueryError("Send one SELECT statement in q.", field=CLAUSE)
    tree = parse(text, CLAUSE)
    if not isinstance(tree, STATEMENTS):
        raise QueryError(
            "Only one SELECT statement is allowed: no other statements, settings or commands.",
            field=CLAUSE,
        )
    for with_ in tree.find_all(exp.With):
        if with_.args.get("recursive"):
            raise QueryError("Recursive queries are not allowed.", field=CLAUSE)
    tables = _tables(actor, tree)
    params = Parameters()
    scope = Scope(clause=CLAUSE, columns=None, aggregates=True, windows=True, statements=True)
    checked = check(tree, scope, params)
    for node, version in tables:
        node.replace(_read(version, node))
    cap = settings.DATASTORE_SQL_MAX_ROWS
    _cap_rows(checked, cap)
    sql = checked.sql(dialect="duckdb", identify=True, comments=False)
    paths = sorted({str(files.local_path(version.parquet)) for _, version in tables})
    con = engine.sandbox(paths, memory_limit=settings.DATASTORE_SQL_MEMORY_LIMIT)
    try:
        with run.time_limit(con, settings.DATASTORE_QUERY_SECONDS):
            result = con.execute(sql, params.values)
            rows = result.fetchmany(cap + 1)
            description = result.description or []
    finally:
        con.close()
    return SqlResult(
        names=_unique([d[0] for d in description]),
        types=[str(d[1]) for d in description],
        rows=rows[:cap],
        truncated=len(rows) > cap,
        limit=cap,
    )


def _tables(actor: Actor, tree: exp.Expression) -> list[tuple[exp.Table, DataVersion]]:
    """Every table the statement names, each a published dataset the actor may read."""
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    found = []
    for table in tree.find_all(exp.Table):
        extra = [k for k, v in table.args.items() if v and k not in TABLE_PARTS]
        if extra or not isinstance(table.this, exp.Identifier):
            raise QueryError(
                'Name tables by their dataset, such as FROM "building-permits"; files, '
                "functions and other databases cannot be read.",
                field=CLAUSE,
            )
        if table.name.lower() in ctes:
            continue
        found.append((table, _version(actor, table.name)))
    if not found:
        raise QueryError(
            'Query at least one dataset, such as SELECT * FROM "building-permits".', field=CLAUSE
        )
    return found


def _version(actor: Actor, name: str) -> DataVersion:
    """The published version of the dataset ``name``, or the same refusal whether it does not
    exist, has no data, or is not the actor's to read."""
    slug = name.lower().replace("_", "-")
    dataset = Dataset.objects.filter(slug__in=[name.lower(), slug]).first()
    version = None
    if dataset is not None and policies.can_read_data(actor, dataset):
        version = selectors.published_version(dataset)
    if version is None:
        shown = repr(name) if SLUG.fullmatch(name) else "by that name"
        raise QueryError(
            f"There is no dataset {shown} with data you may query. Tables are dataset "
            "slugs, as in the dataset's address.",
            field=CLAUSE,
        )
    return version


def _read(version: DataVersion, table: exp.Table) -> exp.Expression:
    """The portal's own read of a version: its visible columns, from its Parquet file."""
    columns = [
        quote(f["name"])
        for f in version.fields
        if f["name"] not in HIDDEN_COLUMNS and f.get("type") != "geojson"
    ]
    path = str(files.local_path(version.parquet))
    select = exp.select(*columns).from_(
        exp.Table(this=exp.Anonymous(this="read_parquet", expressions=[exp.Literal.string(path)]))
    )
    alias = table.alias or table.name
    return exp.Subquery(this=select, alias=exp.TableAlias(this=exp.to_identifier(alias)))


def _cap_rows(tree: exp.Expression, cap: int) -> None:
    """At most ``cap`` + 1 rows (one more, to tell that the result was cut)."""
    limit = tree.args.get("limit")
    value = limit.expression if isinstance(limit, exp.Limit) else None
    if isinstance(value, exp.Literal) and not value.is_string and int(float(value.name)) <= cap:
        return
    tree.set("limit", exp.Limit(expression=exp.Literal.number(cap + 1)))


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        candidate, n = name, 2
        while candidate in seen:
            candidate, n = f"{name}_{n}", n + 1
        seen.add(candidate)
        out.append(candidate)
    return out
