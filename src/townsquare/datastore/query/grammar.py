"""What a query may contain: the allowlist shared by the records API and the SQL endpoint.

Everything is named here, in one place. A node of the parsed query whose class is not listed is
refused, so a function or construct sqlglot learns in a later release stays refused until
someone adds it on purpose.
"""

from __future__ import annotations

from sqlglot import exp

# Logic, comparison and arithmetic.
OPERATORS: tuple[type[exp.Expression], ...] = (
    exp.And,
    exp.Or,
    exp.Not,
    exp.Paren,
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.Is,
    exp.In,
    exp.Between,
    exp.Like,
    exp.ILike,
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Div,
    exp.IntDiv,
    exp.Mod,
    exp.Neg,
    exp.DPipe,
    exp.Case,
    exp.If,
)

VALUES: tuple[type[exp.Expression], ...] = (exp.Literal, exp.Boolean, exp.Null)

AGGREGATES: dict[type[exp.Expression], str] = {
    exp.Count: "count",
    exp.Sum: "sum",
    exp.Avg: "avg",
    exp.Min: "min",
    exp.Max: "max",
    exp.Median: "median",
}

FUNCTIONS: dict[type[exp.Expression], str] = {
    exp.TimestampTrunc: "date_trunc",
    exp.DateTrunc: "date_trunc",
    exp.Year: "year",
    exp.Quarter: "quarter",
    exp.Month: "month",
    exp.Day: "day",
    exp.Extract: "extract",
    exp.CurrentDate: "current_date",
    exp.Lower: "lower",
    exp.Upper: "upper",
    exp.Length: "length",
    exp.Trim: "trim",
    exp.Substring: "substring",
    exp.StartsWith: "starts_with",
    exp.Contains: "contains",
    exp.Concat: "concat",
    exp.Coalesce: "coalesce",
    exp.Nullif: "nullif",
    exp.Greatest: "greatest",
    exp.Least: "least",
    exp.Round: "round",
    exp.Abs: "abs",
    exp.Floor: "floor",
    exp.Ceil: "ceil",
    exp.Cast: "cast",
    exp.TryCast: "try_cast",
}

# The units date_trunc, extract and intervals accept.
DATE_UNITS = {"YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND"}

CAST_TYPES = {
    exp.DataType.Type.BOOLEAN,
    exp.DataType.Type.INT,
    exp.DataType.Type.BIGINT,
    exp.DataType.Type.DOUBLE,
    exp.DataType.Type.FLOAT,
    exp.DataType.Type.DECIMAL,
    exp.DataType.Type.VARCHAR,
    exp.DataType.Type.TEXT,
    exp.DataType.Type.DATE,
    exp.DataType.Type.TIMESTAMP,
}

# The SQL endpoint also allows whole statements made of these.
STATEMENT_PARTS: tuple[type[exp.Expression], ...] = (
    exp.Select,
    exp.Alias,
    exp.Subquery,
    exp.From,
    exp.Join,
    exp.Where,
    exp.Group,
    exp.Having,
    exp.Order,
    exp.Ordered,
    exp.Limit,
    exp.Offset,
    exp.Union,
    exp.Intersect,
    exp.Except,
    exp.With,
    exp.CTE,
    exp.TableAlias,
    exp.Distinct,
    exp.Window,
    exp.WindowSpec,
    exp.Filter,
    exp.Exists,
)

WINDOW_FUNCTIONS: dict[type[exp.Expression], str] = {
    exp.RowNumber: "row_number",
    exp.Rank: "rank",
    exp.DenseRank: "dense_rank",
    exp.Lag: "lag",
    exp.Lead: "lead",
    exp.Ntile: "ntile",
}

MAX_QUERY_LENGTH = 10_000  # characters of one parameter or statement
MAX_NODES = 2_000  # parsed nodes; deeper or longer queries are refused before they run


def function_names(*, windows: bool = False) -> list[str]:
    names = {*AGGREGATES.values(), *FUNCTIONS.values()}
    if windows:
        names |= set(WINDOW_FUNCTIONS.values())
    return sorted(names)
