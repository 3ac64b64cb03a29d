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
from referencing.jsonschema import DRAFT4

SCHEMAS = Path(__file__).with_name("schemas")
POD = SCHEMAS / "pod-v1.1-non-federal"
POD_BASE = "https://project-open-data.cio.gov/v1.1/schema/"

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


def check_record(record: Any) -> list[Problem]:
    """The problems of one dataset record of a DCAT-US 1.1 catalog."""
    identifier = str(record.get("identifier", "?")) if isinstance(record, dict) else "?"
    title = str(record.get("title", "")) if isinstance(record, dict) else ""
    found: dict[tuple[str, str], Problem] = {}
    for validator in _validators():
        for error in validator.iter_errors(record):
            problem = _plain(identifier, title, error)
            found.setdefault((problem.field, problem.message), problem)
    return list(found.values())


def check_catalog(catalog: dict[str, Any]) -> list[Problem]:
    """Every problem of a DCAT-US 1.1 catalog, the top level and each record."""
    problems = []
    if catalog.get("conformsTo") != "https://project-open-data.cio.gov/v1.1/schema":
        problems.append(Problem("catalog", "The catalog", "conformsTo", "is not DCAT-US 1.1.", ""))
    datasets = catalog.get("dataset")
    if not isinstance(datasets, list):
        return [*problems, Problem("catalog", "The catalog", "dataset", "is missing.", "")]
    for record in datasets:
        problems += check_record(record)
    return problems


def _plain(identifier: str, title: str, error: ValidationError) -> Problem:
    while error.context:  # one of several shapes: the deepest reason of the likeliest
        error = max(error.context, key=lambda e: len(e.absolute_path))
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = next((f for f in FIELDS if f"'{f}'" in error.message), error.message)
        path.append(missing)
        message = "is missing."
    else:
        value = json.dumps(error.instance, default=str)[:80]
        message = f"{value} is not accepted."
    field = next((p for p in reversed(path) if p in FIELDS), path[-1] if path else "")
    label, fix = FIELDS.get(field, (field, "See the DCAT-US 1.1 field reference."))
    where = "/".join(path)
    return Problem(identifier, title or "A dataset", f"{label} ({where})", message, fix)
