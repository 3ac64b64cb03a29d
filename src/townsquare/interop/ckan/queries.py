"""``package_search``'s ``q``, ``fq`` and ``sort`` as CKAN clients and harvesters write them
(the Solr syntax), read into a catalog search.

Supported: ``field:value``, ``field:"quoted value"``, ``field:(a OR b)``, a leading ``-`` or
``NOT`` for "not", ``+`` and ``AND`` (every clause must hold anyway), and date ranges
``metadata_modified:[2026-01-01T00:00:00Z TO *]`` (``NOW``, ``NOW-7DAYS`` too). Fields:
``organization``, ``groups``, ``tags``, ``res_format``, ``license_id``, ``capacity``
(``public``/``private``), ``metadata_modified``; ``state:active`` and ``dataset_type:dataset``
hold for every listed dataset. Anything else is CKAN's Search Query Error, saying what."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from townsquare.catalog import search
from townsquare.catalog.vocabularies import AccessLevel
from townsquare.interop.ckan.errors import SearchQueryError

# CKAN's field → the catalog's facet.
FACETS = {
    "organization": "organization",
    "groups": "theme",
    "tags": "keyword",
    "res_format": "format",
    "license_id": "license",
}
_ALWAYS = {("state", "active"), ("dataset_type", "dataset"), ("type", "dataset")}
_CAPACITY: dict[str, list[str]] = {
    "public": [AccessLevel.PUBLIC.value, AccessLevel.RESTRICTED.value],
    "private": [AccessLevel.NON_PUBLIC.value],
}
_CLAUSE = re.compile(
    r"""\s*(?P<sign>[+-]|NOT\s+)?
        (?:(?P<field>[A-Za-z_][\w.]*):
           (?P<value>"(?:[^"\\]|\\.)*"|\[[^\]]*\]|\{[^}]*\}|\([^)]*\)|[^\s()"\[\]{}]+)
          |(?P<word>"(?:[^"\\]|\\.)*"|[^\s"]+))""",
    re.VERBOSE,
)
_SORTS = {
    "score": ("relevance", False),
    "metadata_modified": ("updated", True),
    "title_string": ("title", False),
    "title": ("title", False),
    "name": ("name", False),
    "id": ("identifier", False),
}


@dataclass
class Parsed:
    words: list[str] = field(default_factory=list)
    required: list[tuple[str, list[str]]] = field(default_factory=list)
    excluded: list[tuple[str, list[str]]] = field(default_factory=list)
    modified_from: datetime | None = None
    modified_to: datetime | None = None
    nothing: bool = False  # a clause no dataset can meet (dataset_type:harvest, -state:active)


def parse(q: str, fq: list[str]) -> Parsed:
    parsed = Parsed()
    text = "" if q.strip() in ("", "*:*", "*") else q
    for part in [text, *fq]:
        _read(part, parsed, words_allowed=part is text)
    return parsed


def _read(text: str, parsed: Parsed, *, words_allowed: bool) -> None:
    position = 0
    text = text.strip()
    while position < len(text):
        match = _CLAUSE.match(text, position)
        if match is None or match.end() == position:
            raise SearchQueryError(f"cannot read {text[position:]!r}")
        position = match.end()
        negated = (match["sign"] or "").strip() in ("-", "NOT")
        if match["word"] is not None:
            word = match["word"]
            if word in ("AND", "&&"):
                continue
            if word in ("OR", "||"):
                raise SearchQueryError("OR between clauses: write field:(a OR b) instead")
            if not words_allowed:
                raise SearchQueryError(f"{word!r} is not field:value")
            if negated:
                raise SearchQueryError(f"excluding words ({word!r}) is not supported")
            parsed.words.append(word.strip('"'))
            continue
        _clause(match["field"], match["value"], negated, parsed)


def _clause(name: str, value: str, negated: bool, parsed: Parsed) -> None:
    if name == "metadata_modified":
        if negated:
            raise SearchQueryError("metadata_modified cannot be negated")
        parsed.modified_from, parsed.modified_to = _range(value)
        return
    values = _values(value)
    if name in FACETS:
        facet = FACETS[name]
        if facet == "theme":
            values = [v.upper() for v in values]
        (parsed.excluded if negated else parsed.required).append((facet, values))
    elif name == "capacity" and set(values) <= set(_CAPACITY):
        levels = [level for v in values for level in _CAPACITY[v]]
        (parsed.excluded if negated else parsed.required).append(("access_level", levels))
    elif all((name, v) in _ALWAYS for v in values):
        parsed.nothing = parsed.nothing or negated
    elif name in ("state", "dataset_type", "type"):
        parsed.nothing = parsed.nothing or not negated
    else:
        raise SearchQueryError(
            f"field {name!r} is not searchable here: use organization, groups, tags, "
            "res_format, license_id, capacity or metadata_modified"
        )


def _values(value: str) -> list[str]:
    if value.startswith("("):
        inner = value[1:-1].strip()
        parts = [p for p in re.split(r"\s+(?:OR|\|\|)\s+", inner) if p]
        if not parts or any(" AND " in f" {p} " for p in parts):
            raise SearchQueryError(f"cannot read {value!r}: write (a OR b)")
        return [_unquote(p) for p in parts]
    if value.startswith(("[", "{")):
        raise SearchQueryError(f"a range ({value}) is only for metadata_modified")
    return [_unquote(value)]


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _range(value: str) -> tuple[datetime | None, datetime | None]:
    found = re.fullmatch(r"[\[{]\s*(\S+)\s+TO\s+(\S+)\s*[\]}]", value)
    if found is None:
        raise SearchQueryError(
            f"metadata_modified needs a range like [2026-01-01T00:00:00Z TO *], not {value!r}"
        )
    return _moment(found[1]), _moment(found[2])


def _moment(text: str) -> datetime | None:
    if text == "*":
        return None
    relative = re.fullmatch(r"NOW(?:([+-])(\d+)(DAY|DAYS|HOUR|HOURS))?(?:/DAY)?", text)
    if relative:
        moment = datetime.now(UTC)
        if relative[1]:
            step = timedelta(
                **{"days" if relative[3].startswith("DAY") else "hours": int(relative[2])}
            )
            moment = moment + step if relative[1] == "+" else moment - step
        return moment
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SearchQueryError(f"{text!r} is not a date: write 2026-01-01T00:00:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def sort(text: str) -> tuple[str, bool]:
    """(the catalog's sort, reversed) for CKAN's ``sort``: its first key decides."""
    first = (text or "score desc").split(",")[0].split()
    name = first[0] if first else "score"
    direction = first[1].lower() if len(first) > 1 else "asc"
    if name not in _SORTS or direction not in ("asc", "desc") or len(first) > 2:
        raise SearchQueryError(
            f"cannot sort by {text!r}: use score desc, metadata_modified asc/desc, "
            "title_string asc/desc, name asc/desc or id asc/desc"
        )
    listing, newest_first = _SORTS[name]
    if listing == "relevance":
        return listing, False
    # "updated" lists the newest first: metadata_modified desc is its natural order.
    return listing, (direction == "asc") if newest_first else (direction == "desc")


def search_query(q: str, fq: list[str], sort_text: str) -> tuple[search.Query, bool]:
    """The catalog search, and whether nothing can match."""
    parsed = parse(q, fq)
    listing, reverse = sort(sort_text)
    query = search.Query(
        text=" ".join(parsed.words),
        sort=listing,
        reverse=reverse,
        required=parsed.required,
        excluded=parsed.excluded,
        modified_from=parsed.modified_from,
        modified_to=parsed.modified_to,
        published_only=True,
    )
    return query, parsed.nothing
