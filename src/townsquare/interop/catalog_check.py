"""The check data.gov's harvester makes of each record of a ``data.json``, with its errors in
plain words: which dataset, which field, what is wrong, and how to fix it on the portal.

DCAT-US 1.1 records are checked against the Project Open Data non-federal schema (draft-04)
and against the stricter one data.gov's harvester uses (2020-12, which also requires
``keyword`` and ``modified``); an error either finds is reported once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from townsquare.interop import dcat_us, dcat_us3

SCHEMAS = Path(__file__).with_name("schemas")
POD = SCHEMAS / "pod-v1.1-non-federal"
POD_BASE = "https://project-open-data.cio.gov/v1.1/schema/"
V3_BASE = "https://resources.data.gov/dcat-us/3.0.0/definitions/"

# DCAT-US field → what the portal calls it, and how to fix it there.
FIELDS = {
    "title": ("Title", "Give the dataset a title."),
    "description": ("Description", "Write a description of the dataset."),
    "keyword": ("Keywords", "Add at least one keyword on the dataset's edit page."),
    "modified": ("Last modified", "Save the dataset once to give it a modification date."),
    "publisher": ("Organization", "Give the organization a name."),
    "contactPoint": ("Contact", "Give a contact name and email address."),
    "fn": ("Contact name", "Give a contact name."),
    "hasEmail": ("Contact email", "Give a valid contact email address."),
    "identifier": ("Identifier", "Give the dataset an identifier."),
    "accessLevel": ("Access level", "Choose public, restricted public or non-public."),
    "rights": ("Rights", "Explain the restriction in 255 characters at most."),
    "accrualPeriodicity": ("Update frequency", "Use a frequency such as monthly or R/P1M."),
    "temporal": ("Temporal coverage", "Use an interval such as 2020-01-01/2024-12-31."),
    "issued": ("Release date", "Use a date such as 2024-05-01."),
    "language": ("Languages", "Use language codes such as en or en-US."),
    "license": ("License", "Choose a license from the list."),
    "landingPage": ("Landing page", "Give a full http(s) address."),
    "references": ("Related documents", "Give full http(s) addresses, each once."),
    "theme": ("Themes", "Choose each theme once."),
    "describedByType": ("Data dictionary media type", "Use a media type such as text/csv."),
    "mediaType": ("Media type", "Give the file's media type, such as text/csv."),
    "downloadURL": ("Download address", "Give a full http(s) address."),
    "primaryITInvestmentUII": ("IT investment UII", "Use the form 123-123456789."),
}


@dataclass(frozen=True)
class Problem:
    dataset: str  # identifier, or "catalog"
    title: str
    field: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.title} ({self.dataset}): {self.field}: {self.message} {self.fix}".strip()


@cache
def _validators() -> tuple[Draft4Validator, Draft202012Validator]:
    registry: Registry[Any] = Registry()
    for path in POD.glob("*.json"):
        schema = json.loads(path.read_text())
        registry = registry.with_resource(
            POD_BASE + path.name, Resource.from_contents(schema, DRAFT4)
        )
    pod = Draft4Validator(
        {"$ref": POD_BASE + "dataset-non-federal.json"},
        registry=registry,
        format_checker=FormatChecker(),
    )
    harvester = json.loads((SCHEMAS / "dcat-us-1.1" / "non-federal_dataset.json").read_text())
    return pod, Draft202012Validator(harvester, format_checker=FormatChecker())


@cache
def _validators_v3() -> dict[str, Draft202012Validator]:
    """DCAT-US 3.0: every definition registered under its ``$id``, as data.gov's harvester
    does; a validator per record type."""
    registry: Registry[Any] = Registry()
    for path in (SCHEMAS / "dcat-us-3.0").glob("*.json"):
        schema = json.loads(path.read_text())
        registry = registry.with_resource(
            schema["$id"], Resource.from_contents(schema, DRAFT202012)
        )
    return {
        name: Draft202012Validator(
            {"$ref": V3_BASE + name}, registry=registry, format_checker=FormatChecker()
        )
        for name in ("dataset", "dataservice", "catalog")
    }


def check_record(record: Any, version: str = "1.1", kind: str = "dataset") -> list[Problem]:
    """The problems of one record of a DCAT-US catalog (``kind``, for 3.0: dataset or
    dataservice)."""
    identifier = (
        str(record.get("identifier", record.get("@id", "?"))) if isinstance(record, dict) else "?"
    )
    title = str(record.get("title", "")) if isinstance(record, dict) else ""
    found: dict[tuple[str, str], Problem] = {}
    validators = _validators() if version == "1.1" else (_validators_v3()[kind],)
    for validator in validators:
        for error in validator.iter_errors(record):
            problem = _plain(identifier, title, error)
            found.setdefault((problem.field, problem.message), problem)
    return list(found.values())


def check_catalog(catalog: dict[str, Any], version: str = "1.1") -> list[Problem]:
    """Every problem of a DCAT-US catalog (1.1 or 3.0), the top level and each record."""
    datasets = catalog.get("dataset")
    if not isinstance(datasets, list):
        return [Problem("catalog", "The catalog", "dataset", "is missing.", "")]
    problems = []
    if (
        version == "1.1"
        and catalog.get("conformsTo") != "https://project-open-data.cio.gov/v1.1/schema"
    ):
        problems.append(Problem("catalog", "The catalog", "conformsTo", "is not DCAT-US 1.1.", ""))
    if version != "1.1":
        top = {**catalog, "dataset": datasets[:1], "service": []}
        for error in _validators_v3()["catalog"].iter_errors(top):
            if list(error.absolute_path)[:1] not in (["dataset"], ["service"]):
                problems.append(_plain("catalog", "The catalog", error))
        for service in catalog.get("service") or []:
            problems += check_record(service, version, "dataservice")
    for record in datasets:
        problems += check_record(record, version)
    return problems


def _reason(error: ValidationError) -> str:
    value = json.dumps(error.instance, default=str)
    value = value if len(value) <= 60 else value[:57] + "..."
    expected: Any = error.validator_value
    if error.validator == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        return f"{value} should be {' or '.join(f'a {k}' for k in kinds)}."
    if error.validator == "enum":
        return f"{value} is not one of {', '.join(map(str, expected))}."
    if error.validator == "format":
        return f"{value} is not a valid {expected}."
    if error.validator in ("pattern", "minLength", "minItems", "maxLength"):
        return f"{value} does not have the form DCAT-US expects."
    return f"{value} is not accepted: {error.message[:120]}"


def _plain(identifier: str, title: str, error: ValidationError) -> Problem:
    while error.context:  # one of several shapes: the deepest reason of the likeliest
        error = max(error.context, key=lambda e: len(e.absolute_path))
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = next((f for f in FIELDS if f"'{f}'" in error.message), error.message)
        path.append(missing)
        message = "is missing."
    else:
        message = _reason(error)
    field = next((p for p in reversed(path) if p in FIELDS), path[-1] if path else "")
    label, fix = FIELDS.get(field, (field, "See the DCAT-US 1.1 field reference."))
    where = "/".join(path)
    return Problem(identifier, title or "A dataset", f"{label} ({where})", message, fix)


@dataclass(frozen=True)
class Report:
    version: str
    datasets: int
    problems: list[Problem]


def portal_reports() -> list[Report]:
    """The portal's own catalogs, DCAT-US 1.1 and 3.0, checked (the command and the page)."""
    reports = []
    for version, stream in (("1.1", dcat_us.catalog_stream), ("3.0", dcat_us3.catalog_stream)):
        catalog = json.loads("".join(stream()))
        problems = check_catalog(catalog, version)
        reports.append(Report(version, len(catalog.get("dataset", [])), problems))
    return reports
