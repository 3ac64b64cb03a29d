"""The privacy scan: likely personal data in a data version, by column name and by values.

DuckDB counts, over every row, the values of each text column that look like each kind
(permissive patterns); Presidio's pattern recognizers then judge the distinct matching values
(e-mail addresses, US Social Security numbers, payment cards with their Luhn check, IP
addresses, phone numbers), so a column of ZIP codes is not reported as Social Security numbers.
Street addresses and person names have no Presidio recognizer without a language model: they
are found by their shape and by the column's name. Each finding has a confidence (0–1).
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import Any

from django.conf import settings

from townsquare.datastore import scan
from townsquare.datastore.models import DataVersion

# Prefilters (RE2): generous on purpose; Presidio or the shape decides.
PATTERNS = {
    "email": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    "ssn": r"\b[0-9]{3}[- ]?[0-9]{2}[- ]?[0-9]{4}\b",
    "payment_card": r"\b[0-9](?:[ -]?[0-9]){12,18}\b",
    "ip_address": r"\b[0-9]{1,3}(?:\.[0-9]{1,3}){3}\b",
    "phone": r"\(?\b[0-9]{3}\)?[-. ]?[0-9]{3}[-. ][0-9]{4}\b",
    "street_address": r"\b[0-9]{1,6} (?:[A-Z][a-z]+ ){1,3}(?:St|Street|Ave|Avenue|Rd|Road|Blvd|"
    r"Boulevard|Ln|Lane|Dr|Drive|Way|Ct|Court|Pl|Place|Ter|Terrace)\b",
    "person_name": r"\b(?:Mr|Mrs|Ms|Dr)\.? [A-Z][a-z]+|\b(?:FIRST_NAMES) [A-Z][a-z]+\b",
}
# Identifiers written as bare digits, in columns typed as numbers: the whole value is the
# identifier (a US SSN, a payment card number, a North American phone number).
DIGIT_PATTERNS = {
    "ssn": r"^[0-9]{9}$",
    "payment_card": r"^[0-9]{13,19}$",
    "phone": r"^1?[2-9][0-9]{2}[2-9][0-9]{6}$",
}
# How far bare digits alone go as evidence, when every value is a valid one and the values are
# spread like identifiers handed out at random, not counted up like record numbers. A card
# number's check digit is strong evidence (a random number passes it one time in ten); nine or
# ten digits alone are not, until the column's name agrees (+0.2).
DIGIT_WEIGHT = {"payment_card": 0.95, "ssn": 0.45, "phone": 0.45}
COUNTED_GAP = 100  # distinct values closer together than this (median) are counted, not random

# Common US first names (Social Security Administration's most frequent, abridged): a name
# pattern needs one of them, so "Main Street" or "New York" are not taken for people.
FIRST_NAMES = (
    "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy "
    "Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily "
    "Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa "
    "Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia "
    "Jacob Kathleen Gary Amy Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry "
    "Pamela Justin Emma Scott Nicole Brandon Helen Benjamin Samantha Samuel Katherine Gregory "
    "Christine Alexander Debra Frank Rachel Patrick Carolyn Raymond Janet Jack Catherine Dennis "
    "Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry "
    "Virginia Douglas Victoria Zachary Kelly Peter Lauren Kyle Christina Ethan Joan Walter "
    "Evelyn Noah Judith Jeremy Megan Christian Andrea Keith Cheryl Roger Hannah Terry Jacqueline"
).split()
PATTERNS["person_name"] = PATTERNS["person_name"].replace("FIRST_NAMES", "|".join(FIRST_NAMES))

# Column names that point at personal data.
NAMES = {
    "email": r"e[-_ ]?mail",
    "ssn": r"\bssn\b|social[-_ ]?security|(^|_)ssn(_|$)",
    "payment_card": r"credit[-_ ]?card|card[-_ ]?(number|no|num)|(^|_)(cc|pan)(_|$)",
    "ip_address": r"(^|_)ip(_|$)|ip[-_ ]?address",
    "phone": r"phone|(^|_)tel(_|$)|mobile|(^|_)cell(_|$)|(^|_)fax(_|$)",
    "date_of_birth": r"birth|(^|_)dob(_|$)|(^|_)born(_|$)",
    "street_address": r"address|(^|_)addr(_|$)",
    "person_name": r"(^|_)(first|last|full|given|family|sur|middle|maiden)_?name(_|$)|"
    r"(^|_)(owner|resident|applicant|complainant|patient|employee|tenant)(_name)?$",
}
# A column called just "name" names places and things as often as people, and "street" holds
# street names more often than addresses: weaker evidence.
WEAK_NAMES = {"person_name": r"^name$", "street_address": r"^street(_name)?$"}
# Name evidence about a category, not a value: "owner_type", "applicant_count".
CATEGORY = r"_(type|kind|class|category|code|count|status|id)$"

# Kinds Presidio judges, and the entity it reports for each.
ENTITIES = {
    "email": "EMAIL_ADDRESS",
    "ssn": "US_SSN",
    "payment_card": "CREDIT_CARD",
    "ip_address": "IP_ADDRESS",
    "phone": "PHONE_NUMBER",
}
LABELS = {
    "email": "e-mail addresses",
    "ssn": "US Social Security numbers",
    "payment_card": "payment card numbers",
    "ip_address": "IP addresses",
    "phone": "phone numbers",
    "date_of_birth": "dates of birth",
    "street_address": "street addresses",
    "person_name": "names of people",
    "small_cell": "small cells",
}
COUNT_COLUMN = r"(^|_)(count|counts|n|number|num|total|cases|people|persons|households)(_|$)"


SCANNED_COLUMNS = 200  # very wide tables: the first 200 columns


def scan_version(version: DataVersion) -> list[dict[str, Any]]:
    fields = [f for f in version.fields if f["type"] != "geojson"][:SCANNED_COLUMNS]
    text = [f["name"] for f in fields if f["type"] == "string"]
    numbers = {f["name"]: f["type"] for f in fields if f["type"] in ("integer", "number")}
    findings: dict[tuple[str, str], dict[str, Any]] = {}
    for match in scan.pattern_matches(version, text, PATTERNS):
        found = _judge(match)
        if found is not None:
            findings[(match.column, match.kind)] = found
    for match in scan.pattern_matches(version, list(numbers), DIGIT_PATTERNS, numbers):
        found = _judge_digits(match)
        if found is not None:
            findings[(match.column, match.kind)] = found
    named = [(f, kind, 0.5) for f in fields for kind, rx in NAMES.items() if _named(f, rx)]
    named += [(f, k, 0.35) for f in fields for k, rx in WEAK_NAMES.items() if _named(f, rx)]
    counts = scan.non_null_counts(version, sorted({f["name"] for f, _, _ in named}))
    for field, kind, confidence in named:
        key = (field["name"], kind)
        if key in findings:
            findings[key]["confidence"] = min(1.0, findings[key]["confidence"] + 0.2)
            findings[key]["evidence"] = f"name and {findings[key]['evidence']}"
        elif counts.get(field["name"]):
            findings[key] = _finding(kind, field["name"], counts[field["name"]], confidence, "name")
    return list(findings.values()) + _small_cells(version, fields)


def _named(field: dict[str, Any], pattern: str) -> bool:
    names = (field["name"].lower(), str(field.get("title") or "").lower().replace(" ", "_"))
    return any(re.search(pattern, name) and not re.search(CATEGORY, name) for name in names)


def _finding(
    kind: str, column: str, count: int, confidence: float, evidence: str
) -> dict[str, Any]:
    return {
        "check": kind,
        "column": column,
        "count": int(count),
        "confidence": round(confidence, 2),
        "evidence": evidence,
        "severity": "privacy",
        "message": f"Likely {LABELS.get(kind, kind)} ({evidence}).",
        "sample": [],
    }


def _confirm(match: scan.Matches) -> tuple[list[tuple[str, int]], list[float]]:
    """The distinct matching values Presidio confirms (where it has a recognizer), with its
    scores; street addresses and names: the shape is the evidence."""
    entity = ENTITIES.get(match.kind)
    if entity is None:
        return match.values, [0.6] * len(match.values)
    analyzer = _analyzer()
    confirmed, scores = [], []
    for value, rows in match.values:
        results = analyzer.analyze(text=value[:1000], language="en", entities=[entity])
        if results:
            confirmed.append((value, rows))
            scores.append(max(r.score for r in results))
    return confirmed, scores


def _judge(match: scan.Matches) -> dict[str, Any] | None:
    """Confirm the distinct matching values of a text column."""
    confirmed, scores = _confirm(match)
    if not confirmed:
        return None
    share = _share(match, confirmed)
    confidence = (sum(scores) / len(scores)) * (0.5 + 0.5 * share)
    return _found(match, confirmed, share, max(confidence, 0.3), "values")


def _share(match: scan.Matches, confirmed: list[tuple[str, int]]) -> float:
    looked = sum(rows for _, rows in match.values)
    return sum(rows for _, rows in confirmed) / looked if looked else 0.0


def _found(
    match: scan.Matches,
    confirmed: list[tuple[str, int]],
    share: float,
    confidence: float,
    evidence: str,
) -> dict[str, Any]:
    count = sum(rows for _, rows in confirmed) if match.complete else round(match.rows * share)
    found = _finding(match.kind, match.column, count, confidence, evidence)
    found["sample"] = [{"value": value} for value, _ in confirmed[:5]]
    if not match.complete:
        found["estimated"] = True
    return found


def _judge_digits(match: scan.Matches) -> dict[str, Any] | None:
    """Bare digits in a number column: Presidio's validity checks (Luhn, SSN areas and groups,
    phone numbering plans) confirm each value; the share confirmed, and how the values are
    spread, decide the confidence."""
    confirmed, _ = _confirm(match)
    if not confirmed:
        return None
    share = _share(match, confirmed)
    valid = sorted(int(value) for value, _ in confirmed)
    gaps = sorted(b - a for a, b in zip(valid, valid[1:], strict=False))
    counted = match.kind != "payment_card" and (len(gaps) < 2 or gaps[len(gaps) // 2] < COUNTED_GAP)
    confidence = 0.3 if counted else max(DIGIT_WEIGHT[match.kind] * share**2, 0.3)
    found = _found(match, confirmed, share, confidence, "digits")
    found["message"] = f"Likely {LABELS[match.kind]}, written as bare digits."
    return found


def _small_cells(version: DataVersion, fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """In an aggregate table, counts below the threshold can single people out."""
    columns = [
        f["name"]
        for f in fields
        if f["type"] == "integer" and re.search(COUNT_COLUMN, f["name"].lower())
    ]
    threshold = settings.QUALITY_SMALL_CELL
    found = []
    for column, rows in scan.small_counts(version, columns, threshold).items():
        if rows:
            finding = _finding("small_cell", column, rows, 0.6, "values")
            finding["message"] = (
                f"{rows:,} counts are below {threshold}: small cells can identify people."
            )
            found.append(finding)
    return found


@cache
def _analyzer() -> Any:
    """Presidio with pattern recognizers only: no language model to download."""
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")  # no network lookups
    # Presidio takes seconds to import: only a scan loads it (not every page, command or test).
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry  # noqa: PLC0415
    from presidio_analyzer.nlp_engine import NoOpNlpEngine  # noqa: PLC0415
    from presidio_analyzer.predefined_recognizers import (  # noqa: PLC0415
        CreditCardRecognizer,
        EmailRecognizer,
        IpRecognizer,
        PhoneRecognizer,
        UsSsnRecognizer,
    )

    registry = RecognizerRegistry()
    for recognizer in (
        EmailRecognizer(),
        UsSsnRecognizer(),
        CreditCardRecognizer(),
        IpRecognizer(),
        PhoneRecognizer(supported_regions=tuple(settings.QUALITY_PHONE_REGIONS)),
    ):
        registry.add_recognizer(recognizer)
    engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    engine.load()
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["en"])
