"""The checker: parse query text with sqlglot, refuse anything the grammar does not list, resolve
column names, and move every string value into a bound parameter.

Queries are never pasted into SQL. A parsed tree is checked node by node against the allowlist
in ``grammar``; the SQL that runs is generated from the checked tree, with identifiers quoted
and comments dropped, so text that did not become an allowed node cannot reach DuckDB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from townsquare.datastore.errors import QueryError
from townsquare.datastore.query import grammar

DAYS_OR_LONGER = {"YEAR", "QUARTER", "MONTH", "WEEK", "DAY"}
NUMBER = re.compile(r"(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


class Parameters:
    """Bound values, numbered $1, $2… The same value gets the same number, so that an
    expression repeated in select and group_by stays the same expression."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self._numbers: dict[tuple[type, Any], int] = {}

    def add(self, value: Any) -> exp.Placeholder:
        key = (type(value), tuple(value) if isinstance(value, list) else value)
        if key not in self._numbers:
            self.values.append(value)
            self._numbers[key] = len(self.values)
        return exp.Placeholder(this=str(self._numbers[key]))


@dataclass
class Scope:
    """Where a piece of query is being checked, and what it may name."""

    clause: str
    columns: dict[str, str] | None  # lower-case name -> column; None: tables resolve them (SQL)
    aliases: set[str] = field(default_factory=set)
    aggregates: bool = False
    windows: bool = False
    geometry: str | None = None  # a column that may only be selected as it is
    statements: bool = False  # the SQL endpoint: subqueries, joins, set operations

    def column_list(self) -> str:
        names = sorted(set((self.columns or {}).values()))
        shown = ", ".join(names[:40])
        return shown + (f" and {len(names) - 40} more" if len(names) > 40 else "")


def parse(text: str, clause: str, *, prefix: str = "") -> exp.Expression:
    """Parse ``prefix + text`` as DuckDB SQL; errors point at the clause and character."""
    if len(text) > grammar.MAX_QUERY_LENGTH:
        raise QueryError(
            f"{clause} is too long (at most {grammar.MAX_QUERY_LENGTH:,} characters).",
            field=clause,
        )
    try:
        trees = sqlglot.parse(prefix + text, read="duckdb")
    except ParseError as error:
        raise QueryError(_parse_message(error, clause, len(prefix)), field=clause) from None
    except TokenError as error:
        raise QueryError(f"{clause}: {_first_line(str(error))}.", field=clause) from None
    except RecursionError:
        raise QueryError(f"{clause} is nested too deeply.", field=clause) from None
    parsed = [tree for tree in trees if tree is not None]
    if not parsed:
        raise QueryError(f"{clause} is empty.", field=clause)
    if len(parsed) != 1:
        raise QueryError(
            f"{clause} must be one expression or statement, not several.", field=clause
        )
    tree = parsed[0]
    if not isinstance(tree, exp.Expression):
        raise QueryError(f"{clause} is not an expression or statement.", field=clause)
    count = 0
    for _ in tree.walk():
        count += 1
        if count > grammar.MAX_NODES:
            raise QueryError(f"{clause} is too complex.", field=clause)
    return tree


# sqlglot names what is missing by its own classes ("for <class '…And'>"): in words instead.
_MISSING = re.compile(r"Required keyword: '\w+' missing for <class '[\w.]+\.(\w+)'>")
_CLASS = re.compile(r"<class '[\w.]+\.(\w+)'>")
OPERATORS = {
    "And": "and", "Or": "or", "Not": "not", "EQ": "=", "NEQ": "!=", "GT": ">", "GTE": ">=",
    "LT": "<", "LTE": "<=", "Add": "+", "Sub": "-", "Mul": "*", "Div": "/", "Like": "like",
    "ILike": "ilike", "In": "in", "Between": "between", "Is": "is",
}  # fmt: skip


def _plain(description: str) -> str:
    found = _MISSING.search(description)
    if found:
        word = OPERATORS.get(found[1], found[1].lower())
        return f"something is missing after {word!r}"
    return _CLASS.sub(lambda m: OPERATORS.get(m[1], m[1].lower()), description)


def _parse_message(error: ParseError, clause: str, offset: int) -> str:
    details = error.errors[0] if error.errors else {}
    description = _plain(_first_line(str(details.get("description") or error)))
    near = str(details.get("highlight") or "").strip()
    column = details.get("col")
    where = ""
    if near and not description.startswith("something is missing after"):
        where = f" near {near!r}"
    if isinstance(column, int) and column - offset > 0:
        where += f" (character {column - offset})"
    return f"{clause}: {description.rstrip('.')}{where}."


def _first_line(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text).strip().splitlines()[0] if text.strip() else text


def refuse(node: exp.Expression, scope: Scope) -> QueryError:
    if node.key in ("subquery", "select", "exists", "union", "intersect", "except"):
        return QueryError(f"Subqueries are not allowed in {scope.clause}.", field=scope.clause)
    if node.key == "window":
        return QueryError(
            f"Window functions are not allowed in {scope.clause}.", field=scope.clause
        )
    if isinstance(node, exp.Anonymous) or isinstance(node, exp.Func):
        name = node.name if isinstance(node, exp.Anonymous) else node.sql_name()
        allowed = ", ".join(grammar.function_names(windows=scope.windows))
        return QueryError(
            f"Function {name.lower()}() is not allowed in {scope.clause}. Allowed: {allowed}.",
            field=scope.clause,
        )
    if isinstance(node, exp.Star):
        return QueryError(
            f"* is only allowed as count(*) or as the whole select, not in {scope.clause}.",
            field=scope.clause,
        )
    if isinstance(node, exp.Placeholder):
        return QueryError(
            f"Parameters such as {node.sql(dialect='duckdb')} are not allowed in "
            f"{scope.clause}; write the value.",
            field=scope.clause,
        )
    return QueryError(f"{_show(node)!r} is not allowed in {scope.clause}.", field=scope.clause)


def _show(node: exp.Expression) -> str:
    try:
        text = node.sql(dialect="duckdb", comments=False)
    except Exception:  # noqa: BLE001 - only for the message
        text = node.key
    return text if len(text) <= 60 else text[:57] + "…"


def check(node: exp.Expression, scope: Scope, params: Parameters) -> exp.Expression:
    """The checked copy of ``node``: allowed nodes only, columns resolved, values bound."""
    return _Checker(scope, params).visit(node, in_aggregate=False)


class _Checker:
    SPECIAL: dict[type[exp.Expression], Any]

    def __init__(self, scope: Scope, params: Parameters) -> None:
        self.scope = scope
        self.params = params

    def visit(self, node: exp.Expression, *, in_aggregate: bool) -> exp.Expression:
        kind = type(node)
        special = self.SPECIAL.get(kind) or (
            _Checker.aggregate_node if kind in grammar.AGGREGATES else None
        )
        if special is not None:
            return special(self, node, in_aggregate)
        allowed = kind in grammar.FUNCTIONS or kind in grammar.OPERATORS
        if allowed or (self.scope.windows and kind in grammar.WINDOW_FUNCTIONS):
            return self.children(node, in_aggregate)
        if self.scope.statements:
            return self.statement_part(node, in_aggregate)
        raise refuse(node, self.scope)

    def aggregate_node(self, node: exp.Expression, in_aggregate: bool) -> exp.Expression:
        scope, name = self.scope, grammar.AGGREGATES[type(node)]
        if not scope.aggregates:
            raise QueryError(
                f"{name}() is not allowed in {scope.clause}: aggregates belong in select, "
                "having and order_by.",
                field=scope.clause,
            )
        if in_aggregate:
            raise QueryError(
                f"Aggregates cannot be nested ({_show(node)}) in {scope.clause}.",
                field=scope.clause,
            )
        return self.aggregate(node)

    def truncation(self, node: exp.Expression, in_aggregate: bool) -> exp.Expression:
        self.unit(node, "unit")
        truncated = self.children(node, in_aggregate, skip={"unit"})
        if node.args["unit"].name in DAYS_OR_LONGER:  # a day, month or year is a date
            return exp.Cast(this=truncated, to=exp.DataType.build("DATE"))
        return truncated

    def extraction(self, node: exp.Expression, in_aggregate: bool) -> exp.Expression:
        self.unit(node, "this")
        return self.children(node, in_aggregate, skip={"this"})

    def cast(self, node: exp.Expression, in_aggregate: bool) -> exp.Expression:
        self.cast_type(node)
        return self.children(node, in_aggregate, skip={"to"})

    def membership(self, node: exp.Expression, in_aggregate: bool) -> exp.Expression:
        if any(node.args.get(k) for k in ("query", "unnest", "field")):
            raise QueryError(
                f"in (…) takes a list of values in {self.scope.clause}, not a query.",
                field=self.scope.clause,
            )
        return self.children(node, in_aggregate)

    def value(self, node: exp.Expression, in_aggregate: bool) -> exp.Expression:
        if isinstance(node, exp.Column):
            return self.column(node)
        if isinstance(node, exp.Literal):
            return self.literal(node)
        return node  # true, false, null

    def children(
        self,
        node: exp.Expression,
        in_aggregate: bool,
        skip: set[str] | frozenset[str] = frozenset(),
    ) -> exp.Expression:
        for key, value in list(node.args.items()):
            if key in skip or value is None:
                continue
            if isinstance(value, exp.Expression):
                node.set(key, self.visit(value, in_aggregate=in_aggregate))
            elif isinstance(value, list):
                node.set(
                    key,
                    [
                        self.visit(item, in_aggregate=in_aggregate)
                        if isinstance(item, exp.Expression)
                        else item
                        for item in value
                    ],
                )
        return node

    def column(self, node: exp.Column) -> exp.Expression:
        scope = self.scope
        if scope.columns is None:  # the SQL endpoint: the bound tables resolve names
            if node.args.get("db") or node.args.get("catalog"):
                raise QueryError(
                    f"Name columns as column or table.column, not {_show(node)}.",
                    field=scope.clause,
                )
            if isinstance(node.this, exp.Star):
                return node
            if not isinstance(node.this, exp.Identifier):
                raise refuse(node.this, scope)
            return node
        if node.table:
            raise QueryError(
                f"Name columns without a table ({_show(node)}) in {scope.clause}.",
                field=scope.clause,
            )
        if not isinstance(node.this, exp.Identifier):
            raise refuse(node.this, scope)
        name = node.name
        if name in scope.aliases or name.lower() in {a.lower() for a in scope.aliases}:
            alias = next(a for a in scope.aliases if a.lower() == name.lower())
            return exp.column(alias, quoted=True)
        real = scope.columns.get(name) or scope.columns.get(name.lower())
        if real is None:
            raise QueryError(
                f"Unknown column {name!r} in {scope.clause}. Columns: {scope.column_list()}.",
                field=scope.clause,
            )
        if real == scope.geometry:
            raise QueryError(
                f"The geometry column can only be selected as it is, not used in {scope.clause}; "
                "filter places with bbox.",
                field=scope.clause,
            )
        return exp.column(real, quoted=True)

    def literal(self, node: exp.Literal) -> exp.Expression:
        text = node.this
        if node.is_string:
            return self.params.add(str(text))
        if not isinstance(text, str) or not NUMBER.fullmatch(text):
            raise QueryError(
                f"{text!r} is not a number ({self.scope.clause}).", field=self.scope.clause
            )
        return exp.Literal.number(text)

    def aggregate(self, node: exp.Expression) -> exp.Expression:
        argument = node.this
        if isinstance(node, exp.Count):
            if isinstance(argument, exp.Star) and not argument.args.get("except"):
                return exp.Count(this=exp.Star())
            if isinstance(argument, exp.Distinct):
                values = argument.expressions
                if len(values) != 1:
                    raise QueryError(
                        f"count(distinct …) takes one expression in {self.scope.clause}.",
                        field=self.scope.clause,
                    )
                inner = self.visit(values[0], in_aggregate=True)
                return exp.Count(this=exp.Distinct(expressions=[inner]))
        if argument is None or isinstance(argument, exp.Star | exp.Distinct):
            raise QueryError(
                f"{_show(node)} is not allowed in {self.scope.clause}.", field=self.scope.clause
            )
        for key, value in node.args.items():
            if value and key not in ("this", "big_int"):
                raise QueryError(
                    f"{_show(node)} is not allowed in {self.scope.clause}.",
                    field=self.scope.clause,
                )
        return self.children(node, in_aggregate=True)

    def unit(self, node: exp.Expression, key: str) -> None:
        value = node.args.get(key)
        name = value.name.upper() if isinstance(value, exp.Var | exp.Literal) else ""
        if name.rstrip("S") in grammar.DATE_UNITS:
            node.set(key, exp.var(name.rstrip("S")))
            return
        units = ", ".join(sorted(u.lower() for u in grammar.DATE_UNITS))
        raise QueryError(
            f"Unknown date unit {name.lower() or (_show(value) if value else '')!r} in "
            f"{self.scope.clause}. Use one of: {units}.",
            field=self.scope.clause,
        )

    def interval(self, node: exp.Expression, in_aggregate: bool = False) -> exp.Expression:
        amount = node.this
        text = amount.name if isinstance(amount, exp.Literal) else ""
        if not NUMBER.fullmatch(text):
            raise QueryError(
                f"An interval needs a number, such as interval 30 day ({self.scope.clause}).",
                field=self.scope.clause,
            )
        self.unit(node, "unit")
        return exp.Interval(this=exp.Literal.string(text), unit=node.args["unit"])

    def cast_type(self, node: exp.Expression) -> None:
        target = node.args.get("to")
        if not isinstance(target, exp.DataType) or target.this not in grammar.CAST_TYPES:
            allowed = "boolean, integer, bigint, double, decimal, varchar, date, timestamp"
            raise QueryError(
                f"Cannot cast to {_show(target) if target else '?'} in {self.scope.clause}; "
                f"types: {allowed}.",
                field=self.scope.clause,
            )
        for key, value in target.args.items():
            if key == "expressions" and value:
                for size in value:
                    inner = size.this if isinstance(size, exp.DataTypeParam) else size
                    if not (isinstance(inner, exp.Literal) and NUMBER.fullmatch(inner.name)):
                        raise QueryError(
                            f"Type sizes must be numbers in {self.scope.clause}.",
                            field=self.scope.clause,
                        )
            elif key not in ("this", "nested") and value:
                raise QueryError(
                    f"Cannot cast to {_show(target)} in {self.scope.clause}.",
                    field=self.scope.clause,
                )

    def statement_part(self, node: exp.Expression, in_aggregate: bool) -> exp.Expression:
        """The SQL endpoint's extra structure. Tables are checked by the SQL module."""
        if isinstance(node, exp.Table | exp.Identifier):
            return node
        if isinstance(node, exp.Star):
            if any(node.args.get(k) for k in ("except", "replace", "rename")):
                raise refuse(node, self.scope)
            return node
        if isinstance(node, grammar.STATEMENT_PARTS):
            if isinstance(node, exp.Select):
                for key in node.args:
                    if key not in SELECT_PARTS and node.args[key]:
                        raise QueryError(
                            f"{key.upper()} is not allowed in {self.scope.clause}.",
                            field=self.scope.clause,
                        )
            if isinstance(node, exp.Join) and node.args.get("method"):
                raise refuse(node, self.scope)
            # an aggregate inside a subquery is not nested in the outer one
            return self.children(node, in_aggregate=False)
        raise refuse(node, self.scope)


SELECT_PARTS = {
    "expressions",
    "distinct",
    "from_",
    "from",
    "joins",
    "where",
    "group",
    "having",
    "order",
    "limit",
    "offset",
    "with_",
    "with",
    "kind",
}


_Checker.SPECIAL = {
    exp.Column: _Checker.value,
    exp.Literal: _Checker.value,
    exp.Boolean: _Checker.value,
    exp.Null: _Checker.value,
    exp.Interval: _Checker.interval,
    exp.TimestampTrunc: _Checker.truncation,
    exp.DateTrunc: _Checker.truncation,
    exp.Extract: _Checker.extraction,
    exp.Cast: _Checker.cast,
    exp.TryCast: _Checker.cast,
    exp.In: _Checker.membership,
}
