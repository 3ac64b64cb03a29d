"""Field validators for DCAT-US v1.1 values. The ISO 8601 and language patterns are read from
the POD v1.1 non-federal JSON Schema shipped in ``data/pod-v1.1`` so that what we accept is
exactly what a data.json validator accepts."""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from townsquare.catalog import freshness

SCHEMA_DIR = Path(__file__).parent / "data" / "pod-v1.1"
RESERVED_SLUGS = {"new", "edit", "delete", "search", "api", "admin", "static"}


@cache
def _schema(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return result


def _patterns(prop: str) -> list[re.Pattern[str]]:
    spec = _schema("dataset-non-federal.json")["properties"][prop]
    options = spec.get("anyOf", [spec])
    found = [o.get("pattern") or o.get("items", {}).get("pattern") for o in options]
    return [re.compile(p) for p in found if p]


@cache
def _compiled() -> dict[str, list[re.Pattern[str]]]:
    return {
        prop: _patterns(prop)
        for prop in (
            "accrualPeriodicity",
            "temporal",
            "issued",
            "language",
            "describedByType",
            "primaryITInvestmentUII",
            "bureauCode",
            "programCode",
        )
    }


def _matches(prop: str, value: str) -> bool:
    return any(p.fullmatch(value) for p in _compiled()[prop])


def validate_frequency(value: str) -> None:
    """An ISO 8601 repeating duration as DCAT-US writes it, or a word of the Dublin Core, EU or
    ISO 19115 frequency vocabularies (harvested records carry them; catalog/freshness.py)."""
    if not value or value == "irregular":
        return
    iso = value.upper().startswith("R/P")
    if (iso and _matches("accrualPeriodicity", value) and freshness.known(value)) or (
        not iso and freshness.known(value)
    ):
        return
    raise ValidationError(
        f"{value!r} is not an update frequency: use an ISO 8601 repeating duration such as "
        "R/P1D (daily), R/P1M (monthly) or R/P1Y (yearly), a Dublin Core or EU frequency word "
        "(weekly, ANNUAL, http://purl.org/cld/freq/quarterly…), or the word irregular."
    )


def validate_temporal(value: str) -> None:
    if not value:
        return
    if not _matches("temporal", value):
        raise ValidationError(
            "Use an ISO 8601 interval: start/end, such as 2020-01-01/2024-12-31, or a start "
            "with a duration, such as 2020-01/P1Y."
        )
    start, _, end = value.partition("/")
    first, last = _parse_date(start), _parse_date(end)
    if first and last and first > last:
        raise ValidationError("The start of the interval is after its end.")


def _parse_date(text: str) -> date | None:
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T.*)?", text)
    if not match:
        return None
    year, month, day = match.groups()
    try:
        return date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None


def validate_language_tag(value: str) -> None:
    if not _matches("language", value):
        raise ValidationError(f"{value!r} is not an RFC 5646 language tag such as en or en-US.")


def validate_media_type(value: str) -> None:
    if value and not _matches("describedByType", value):
        raise ValidationError(f"{value!r} is not a media type such as text/csv.")


def validate_slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(f"{value!r} is reserved; choose another short name.")


def validate_uii(value: str) -> None:
    if value and not _matches("primaryITInvestmentUII", value):
        raise ValidationError("Use the form 023-000000001.")


def validate_string_list(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationError("Give a list of non-empty texts.")
    if len(set(value)) != len(value):
        raise ValidationError("Each entry may appear only once.")


def validate_keywords(value: Any) -> None:
    validate_string_list(value)
    for keyword in value:
        if len(keyword) > 100:
            raise ValidationError(f"The keyword {keyword[:20]!r}… is longer than 100 characters.")


def validate_languages(value: Any) -> None:
    validate_string_list(value)
    for tag in value:
        validate_language_tag(tag)


_url = URLValidator(schemes=["http", "https"])


def validate_http_url(value: str) -> None:
    if value:
        try:
            _url(value)
        except ValidationError:
            raise ValidationError("Enter a valid http(s) URL.") from None


def validate_url_list(value: Any) -> None:
    validate_string_list(value)
    for url in value:
        try:
            _url(url)
        except ValidationError:
            raise ValidationError(f"{url!r} is not an http(s) URL.") from None


def _validate_codes(prop: str, example: str, value: Any) -> None:
    validate_string_list(value)
    for code in value:
        if not _matches(prop, code):
            raise ValidationError(f"{code!r} does not look like {example}.")


def validate_bureau_codes(value: Any) -> None:
    _validate_codes("bureauCode", "015:11", value)


def validate_program_codes(value: Any) -> None:
    _validate_codes("programCode", "015:001", value)


def validate_email_address(value: str) -> None:
    if value:
        validate_email(value)
