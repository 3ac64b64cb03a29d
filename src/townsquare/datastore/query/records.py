"""The records query: structured parameters (select, where, group_by, having, order_by, q, bbox,
limit, offset) in the spirit of SoQL and ODSQL, compiled into one checked DuckDB statement.

Paging is stable: without order_by rows come in file order (DuckDB keeps insertion order);
with order_by, the row's position in the file breaks ties, and grouped results are ordered by
their group keys last, so pages never overlap or skip rows.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlglot import exp

from townsquare.datastore import words as word_index
from townsquare.datastore.build import HIDDEN_COLUMNS
from townsquare.datastore.engine import literal
from townsquare.datastore.errors import QueryError
from townsquare.datastore.names import quote
from townsquare.datastore.query import grammar, literals
from townsquare.datastore.query.check import Parameters, Scope, check, parse

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
ROW_NUMBER = "file_row_number"

EXAMPLE_SELECT = "select=carrier, count(*) AS flights, avg(dep_delay) AS delay"


@dataclass(frozen=True)
class RecordsQuery:
    select: str = ""
    where: str = ""
    group_by: str = ""
    having: str = ""
    order_by: str = ""
    q: str = ""
    bbox: str = ""
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    def key(self) -> str:
        """A short digest of the query, for caches."""
        text = repr(sorted(asdict(self).items()))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def filter_key(self) -> str:
        """A digest of what decides which rows (or groups) there are, for the cached total."""
        parts = (self.where, self.group_by, self.having, self.q, self.bbox)
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


@dataclass
class Column:
    name: str
    title: str
    type: str | None  # a Table Schema type, or None: judge from the result
    geometry: bool = False


@dataclass
class Compiled:
    base: str  # SELECT … FROM … WHERE … GROUP BY … HAVING …, no order or limit
    order: str
    params: list[Any]
    base_params: int
    columns: list[Column]
    filtered: bool
    grouped: bool
    geometry: str | None = None  # the output column holding geometry, if any
    by_position: bool = False  # every row in file order: a page is a range of row numbers
    known_total: int | None = None  # the rows (or groups), when known without counting

    def page(self, limit: int, offset: int) -> str:
        if self.by_position and limit:
            # DuckDB skips the row groups before the range (an OFFSET would read them all).
            first, last = int(offset), int(offset) + int(limit) - 1
            return f"{self.base} WHERE {quote(ROW_NUMBER)} BETWEEN {first} AND {last}"
        return f"{self.base}{self.order} LIMIT {int(limit)} OFFSET {int(offset)}"

    def all(self) -> str:
        return f"{self.base}{self.order}"

    def count(self) -> str:
        return f"SELECT count(*) FROM ({self.base}) AS counted"  # noqa: S608 - checked SQL


@dataclass
class _Item:
    sql: str
    column: Column
    aggregate: bool = False


@dataclass
class _Table:
    """The dataset's columns as the query sees them."""

    fields: list[dict[str, Any]]
    geometry: str | None
    names: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for f in self.fields:
            self.names.setdefault(f["name"], f["name"])
            self.names.setdefault(f["name"].lower(), f["name"])

    def field(self, name: str) -> dict[str, Any]:
        return next(f for f in self.fields if f["name"] == name)


def _statement(
    parquet: str,
    items: list[_Item],
    conditions: list[str],
    groups: list[str],
    having: str,
    order: str,
    *,
    numbered: bool = False,
) -> str:
    """The statement without its order: every part is SQL generated from a checked tree, or
    quoted by the datastore. ``numbered``: the file's row numbers are read too."""
    numbered = numbered or order.endswith(quote(ROW_NUMBER))
    source = f"read_parquet({literal(parquet)}{', file_row_number = true' if numbered else ''})"
    base = f"SELECT {', '.join(item.sql for item in items)} FROM {source}"  # noqa: S608
    if conditions:
        base += " WHERE " + " AND ".join(f"({c})" for c in conditions)
    if groups:
        base += " GROUP BY " + ", ".join(groups)
    return base + having


def compile_query(
    fields: list[dict[str, Any]],
    parquet: str,
    query: RecordsQuery,
    *,
    geographic: bool,
    want_geometry: bool = False,
    words: word_index.Found | None = None,
) -> Compiled:
    """The checked statement for ``query`` over a version's Parquet file; ``words``: its q
    looked up in the version's word index (words.lookup), required when there is a q."""
    visible = [f for f in fields if f["name"] not in HIDDEN_COLUMNS]
    geometry = next((f["name"] for f in visible if f.get("type") == "geojson"), None)
    table = _Table(visible, geometry if geographic else None)
    params = Parameters()

    items = _select(table, query.select, params)
    aliases = {item.column.name for item in items}
    grouped = bool(query.group_by.strip()) or any(item.aggregate for item in items)
    if want_geometry:
        _add_geometry(table, items, grouped=grouped)
    conditions = _conditions(table, query, params, words)
    groups = _groups(table, query.group_by, aliases, params)
    having = _having(table, query.having, aliases, params, grouped=grouped)

    base_params = len(params.values)  # order_by may add more; a count takes only these
    order = _order(table, query.order_by, aliases, params, grouped=grouped, groups=groups)
    by_position = not (conditions or grouped or order)
    base = _statement(parquet, items, conditions, groups, having, order, numbered=by_position)
    geometry_out = next((item.column.name for item in items if item.column.geometry), None)
    return Compiled(
        base=base,
        order=order,
        params=params.values,
        base_params=base_params,
        columns=[item.column for item in items],
        filtered=bool(conditions),
        grouped=grouped,
        geometry=geometry_out,
        by_position=by_position,
        known_total=_known_total(table, query, words, grouped=grouped),
    )


def _known_total(
    table: _Table, query: RecordsQuery, words: word_index.Found | None, *, grouped: bool
) -> int | None:
    """The rows matching a q alone, from the word index (Found.total)."""
    if words is None or grouped or query.where.strip() or query.bbox.strip():
        return None
    return words.total([f["name"] for f in table.fields if f.get("type") == "string"])


def _add_geometry(table: _Table, items: list[_Item], *, grouped: bool) -> None:
    if grouped:
        raise QueryError(
            "GeoJSON needs one feature per row; grouped queries cannot be GeoJSON. "
            "Use format=json or csv.",
            field="format",
        )
    if table.geometry is None:
        raise QueryError("This dataset has no geometry; use format=json or csv.", field="format")
    if not any(item.column.geometry for item in items):
        items.append(_geometry_item(table.geometry))


def _conditions(
    table: _Table, query: RecordsQuery, params: Parameters, words: word_index.Found | None
) -> list[str]:
    conditions = []
    if query.where.strip():
        tree = parse(query.where, "where")
        literals.check(tree, _types(table), "where")
        conditions.append(_sql(check(tree, _scope("where", table), params)))
    if query.q.strip():
        if words is None:
            raise ValueError("a q needs its words looked up (words.lookup)")
        conditions.append(_words(table, words, params))
    if query.bbox.strip():
        conditions.append(_bbox(table, query.bbox, params))
    return conditions


def _having(
    table: _Table, text: str, aliases: set[str], params: Parameters, *, grouped: bool
) -> str:
    if not text.strip():
        return ""
    if not grouped:
        raise QueryError(
            "having filters groups: use it with group_by or aggregates.", field="having"
        )
    tree = parse(text, "having")
    literals.check(tree, _types(table), "having")
    scope = _scope("having", table, aliases=aliases, aggregates=True)
    return f" HAVING {_sql(check(tree, scope, params))}"


def _types(table: _Table) -> dict[str, str]:
    return {f["name"].lower(): f.get("type", "string") for f in table.fields}


def _scope(
    clause: str,
    table: _Table,
    *,
    aliases: set[str] | None = None,
    aggregates: bool = False,
) -> Scope:
    return Scope(
        clause=clause,
        columns=table.names,
        aliases=aliases or set(),
        aggregates=aggregates,
        geometry=table.geometry,
    )


def _sql(node: exp.Expression) -> str:
    return node.sql(dialect="duckdb", identify=True, comments=False)


def _geometry_item(name: str) -> _Item:
    return _Item(quote(name), Column(name, "Geometry", "geojson", geometry=True))


def _default_items(table: _Table) -> list[_Item]:
    items = []
    for f in table.fields:
        if f.get("type") == "geojson":
            if table.geometry:
                items.append(_geometry_item(f["name"]))
            continue
        items.append(
            _Item(quote(f["name"]), Column(f["name"], f.get("title") or f["name"], f["type"]))
        )
    return items


def _select(table: _Table, text: str, params: Parameters) -> list[_Item]:
    if not text.strip() or text.strip() == "*":
        return _default_items(table)
    tree = parse(text, "select", prefix="SELECT ")
    extra = [k for k, v in tree.args.items() if v and k != "expressions"]
    if not isinstance(tree, exp.Select) or extra:
        raise QueryError(
            "select lists columns and expressions separated by commas, for example "
            f"{EXAMPLE_SELECT}.",
            field="select",
        )
    items: list[_Item] = []
    taken: set[str] = set()
    for expression in tree.expressions:
        alias = expression.alias if isinstance(expression, exp.Alias) else ""
        inner = expression.this if isinstance(expression, exp.Alias) else expression
        if isinstance(inner, exp.Star):
            if alias:
                raise QueryError("* cannot have a name (AS).", field="select")
            new = _default_items(table)
        elif isinstance(inner, exp.Column) and _is_geometry(table, inner):
            new = [_geometry_item(table.geometry or "")]
        else:
            new = [_expression_item(table, inner, alias, params)]
        for item in new:
            if alias and len(new) == 1:
                item.column.name = alias
            item.column.name = _unique(item.column.name, taken)
            item.sql = f"{item.sql} AS {quote(item.column.name)}"
            items.append(item)
    return items


def _expression_item(table: _Table, inner: exp.Expression, alias: str, params: Parameters) -> _Item:
    """One checked expression of the select list, named by its alias, else its column."""
    checked = check(inner.copy(), _scope("select", table, aggregates=True), params)
    name = alias or (checked.name if isinstance(checked, exp.Column) else _label(inner))
    plain = isinstance(checked, exp.Column)
    source = table.field(checked.name) if plain else {}
    aggregate = any(isinstance(n, tuple(grammar.AGGREGATES)) for n in checked.walk())
    column = Column(
        name,
        (source.get("title") or name) if plain and not alias else name,
        source.get("type") if plain else None,
    )
    return _Item(_sql(checked), column, aggregate)


def _is_geometry(table: _Table, column: exp.Column) -> bool:
    return table.geometry is not None and table.names.get(column.name.lower()) == table.geometry


def _label(node: exp.Expression) -> str:
    text = node.sql(dialect="duckdb", comments=False, normalize_functions="lower")
    return text[:100]


def _unique(name: str, taken: set[str]) -> str:
    if len(name) > 100:
        raise QueryError(
            f"The name {name[:30]!r}… is too long (100 characters at most).", field="select"
        )
    candidate, n = name, 2
    while candidate.lower() in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate.lower())
    return candidate


def _groups(table: _Table, text: str, aliases: set[str], params: Parameters) -> list[str]:
    if not text.strip():
        return []
    tree = parse(text, "group_by", prefix="SELECT 1 GROUP BY ")
    group = tree.args.get("group") if isinstance(tree, exp.Select) else None
    extra = [k for k, v in tree.args.items() if v and k not in ("expressions", "group")]
    if group is None or extra or any(k != "expressions" and v for k, v in group.args.items()):
        raise QueryError(
            "group_by lists columns or expressions separated by commas, such as carrier, month.",
            field="group_by",
        )
    scope = _scope("group_by", table, aliases=aliases)
    return [_sql(check(e, scope, params)) for e in group.expressions]


def _order(
    table: _Table,
    text: str,
    aliases: set[str],
    params: Parameters,
    *,
    grouped: bool,
    groups: list[str],
) -> str:
    if not text.strip():
        return f" ORDER BY {', '.join(groups)}" if groups else ""
    tree = parse(text, "order_by", prefix="SELECT 1 ORDER BY ")
    order = tree.args.get("order") if isinstance(tree, exp.Select) else None
    extra = [k for k, v in tree.args.items() if v and k not in ("expressions", "order")]
    if order is None or extra:
        raise QueryError(
            "order_by lists columns or expressions, each optionally followed by asc or desc, "
            "such as dep_delay desc, carrier.",
            field="order_by",
        )
    scope = _scope("order_by", table, aliases=aliases, aggregates=grouped)
    terms = []
    for ordered in order.expressions:
        if not isinstance(ordered, exp.Ordered) or ordered.args.get("with_fill"):
            raise QueryError(f"Cannot order by {ordered.sql()!r}.", field="order_by")
        checked = check(ordered.this, scope, params)
        direction = " DESC" if ordered.args.get("desc") else " ASC"
        nulls = " NULLS FIRST" if ordered.args.get("nulls_first") else " NULLS LAST"
        terms.append(_sql(checked) + direction + nulls)
    if grouped:
        terms += [g for g in groups if g not in terms]
    else:
        terms.append(quote(ROW_NUMBER))
    return " ORDER BY " + ", ".join(terms)


IN_LIST = 1000  # values of one column up to which a word's condition is an IN list


def _words(table: _Table, found: word_index.Found, params: Parameters) -> str:
    """Every word must be a word (any case, any accents) of one of the text columns: by the
    word index, the values of each indexed column that hold it; columns the index does not
    cover are split into words as they are read."""
    columns = [f["name"] for f in table.fields if f.get("type") == "string"]
    if not columns or not found.words:
        return "false"
    scanned = columns if found.scanned is None else [c for c in columns if c in found.scanned]
    clauses = []
    for word in found.words:
        alternatives = [
            _among(quote(column), values, params)
            for column, values in found.values.get(word, {}).items()
            if column in columns
        ]
        if scanned:
            placeholder = params.add(word).sql(dialect="duckdb")
            alternatives += [
                f"list_contains({word_index.split(quote(c))}, {placeholder})" for c in scanned
            ]
        clauses.append("(" + " OR ".join(alternatives or ["false"]) + ")")
    return " AND ".join(clauses)


def _among(column: str, values: list[str], params: Parameters) -> str:
    if len(values) <= IN_LIST:
        marks = ", ".join(params.add(v).sql(dialect="duckdb") for v in values)
        return f"{column} IN ({marks})"
    return f"list_contains({params.add(values).sql(dialect='duckdb')}, {column})"


BBOX = re.compile(r"\s*,\s*")


def _bbox(table: _Table, text: str, params: Parameters) -> str:
    """Features whose bounding box meets the box west,south,east,north (WGS 84 degrees)."""
    if table.geometry is None:
        raise QueryError(
            "bbox works on geographic datasets; this one has no geometry.", field="bbox"
        )
    try:
        west, south, east, north = (float(part) for part in BBOX.split(text.strip()))
    except ValueError:
        raise QueryError(
            "bbox is four numbers: west,south,east,north in degrees, such as "
            "-122.5,37.7,-122.3,37.9.",
            field="bbox",
        ) from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise QueryError("bbox values must be finite numbers.", field="bbox")
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise QueryError(
            "bbox must have west ≤ east within -180…180 and south ≤ north within -90…90.",
            field="bbox",
        )
    p = [params.add(v).sql(dialect="duckdb") for v in (west, south, east, north)]
    return f'"_maxx" >= {p[0]} AND "_miny" <= {p[3]} AND "_minx" <= {p[2]} AND "_maxy" >= {p[1]}'
