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
    findings: dict[tuple[str, str], dict[str, Any]] = {}
    for match in scan.pattern_matches(version, text, PATTERNS):
        found = _judge(match)
        if found is not None:
            findings[(match.column, match.kind)] = found
    named = [(f, kind, 0.5) for f in fields for kind, rx in NAMES.items() if _named(f, rx)]
    named += [(f, k, 0.35) for f in fields for k, rx in WEAK_NAMES.items() if _named(f, rx)]
    counts = scan.non_null_counts(version, sorted({f["name"] for f, _, _ in named}))
    for field, kind, confidence in named:
        key = (field["name"], kind)
        if key in findings:
            findings[key]["confidence"] = min(1.0, findings[key]["confidence"] + 0.2)
            findings[key]["evidence"] = "name and values"
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


def _judge(match: scan.Matches) -> dict[str, Any] | None:
    """Confirm the distinct matching values (Presidio, where it has a recognizer)."""
    entity = ENTITIES.get(match.kind)
    if entity is None:  # street addresses and names: the shape is the evidence
        confirmed = match.values
        scores = [0.6] * len(confirmed)
    else:
        analyzer = _analyzer()
        confirmed, scores = [], []
        for value, rows in match.values:
            results = analyzer.analyze(text=value[:1000], language="en", entities=[entity])
            if results:
                confirmed.append((value, rows))
                scores.append(max(r.score for r in results))
    if not confirmed:
        return None
    looked = sum(rows for _, rows in match.values)
    share = sum(rows for _, rows in confirmed) / looked if looked else 0.0
    count = sum(rows for _, rows in confirmed) if match.complete else round(match.rows * share)
    confidence = (sum(scores) / len(scores)) * (0.5 + 0.5 * share)
    found = _finding(match.kind, match.column, count, max(confidence, 0.3), "values")
    found["sample"] = [{"value": value} for value, _ in confirmed[:5]]
    if not match.complete:
        found["estimated"] = True
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
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine
    from presidio_analyzer.predefined_recognizers import (
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
