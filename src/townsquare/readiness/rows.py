"""An inventory file's rows checked all at once: every problem of every row, with its line and
field; the values of the clean ones, ready to save."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q

from townsquare.accounts.models import User
from townsquare.catalog.models import Dataset, Organization
from townsquare.catalog.vocabularies import AccessLevel
from townsquare.core.actors import Actor
from townsquare.core.errors import Invalid, PermissionDenied
from townsquare.readiness import columns, policies
from townsquare.readiness.models import InventoryItem

FIELDS = {c.name for c in columns.COLUMNS} - columns.RELATIONS - {"identifier"} | {
    "organization",
    "steward",
    "dataset",
}
FIELD_COLUMN = {"organization": "department"}


@dataclass
class Parsed:
    items: list[dict[str, Any]] = field(default_factory=list)
    existing: dict[str, InventoryItem] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Lookups:
    organizations: dict[str, Organization]
    users: dict[str, User]
    datasets: dict[str, Dataset]
    existing: dict[str, InventoryItem]


def check_values(values: dict[str, Any]) -> None:
    unknown = sorted(set(values) - FIELDS)
    if unknown:
        raise ValidationError({name: "There is no such inventory field." for name in unknown})


def described(item: InventoryItem) -> dict[str, Any]:
    """The item as its spreadsheet row (what the audit trail compares)."""
    return {c.name: columns.cell(item, c.name) for c in columns.COLUMNS}


def parse(actor: Actor, header: list[str], body: list[tuple[int, list[str]]]) -> Parsed:
    names = [columns.header_name(h) for h in header]
    parsed = Parsed(problems=_header_problems(header, names))
    if parsed.problems:
        return parsed
    lookups = _lookups(names, body)
    parsed.existing = lookups.existing
    first_line: dict[str, int] = {}
    for line, cells in body:
        raw = dict(zip(names, [*cells, *[""] * (len(names) - len(cells))], strict=False))
        problems: list[dict[str, Any]] = []
        values = _values(actor, raw, lookups, problems)
        identifier = values.get("identifier", "")
        if identifier in first_line:
            message = f"The identifier {identifier!r} is on line {first_line[identifier]} too."
            problems.append({"field": "identifier", "message": message})
        elif identifier:
            first_line[identifier] = line
        if not problems:
            problems = _model_problems(values, lookups.existing.get(identifier))
        parsed.problems += [{"line": line, **p} for p in problems]
        if not problems:
            parsed.items.append(values)
    return parsed


def _header_problems(header: list[str], names: list[str]) -> list[dict[str, Any]]:
    problems = []
    for original, name in zip(header, names, strict=True):
        if name and name not in columns.BY_NAME:
            known = ", ".join(c.name for c in columns.COLUMNS)
            message = f"There is no column {original.strip()!r}; the columns are: {known}."
            problems.append({"line": 1, "field": original.strip(), "message": message})
    for name in sorted({n for n in names if n and names.count(n) > 1}):
        problems.append({"line": 1, "field": name, "message": f"The column {name} is twice."})
    for column in columns.COLUMNS:
        if column.required and column.name not in names:
            message = f"The column {column.name} is missing."
            problems.append({"line": 1, "field": column.name, "message": message})
    return problems


def _lookups(names: list[str], body: list[tuple[int, list[str]]]) -> _Lookups:
    """Departments, stewards, datasets and existing items the file names, in four queries."""

    def named(column: str) -> set[str]:
        if column not in names:
            return set()
        index = names.index(column)
        return {cells[index].strip() for _, cells in body if len(cells) > index} - {""}

    organizations = {}
    for organization in Organization.objects.all():
        organizations[organization.slug.lower()] = organization
        organizations[organization.name.lower()] = organization
    wanted = named("steward")
    users = {}
    for user in User.objects.filter(Q(username__in=wanted) | Q(email__in=wanted)):
        users[user.username] = user
        users.setdefault(user.email, user)
    return _Lookups(
        organizations,
        users,
        {d.slug: d for d in Dataset.objects.filter(slug__in=named("dataset"))},
        {
            i.identifier: i
            for i in InventoryItem.objects.select_related("organization").filter(
                identifier__in=named("identifier")
            )
        },
    )


def _values(
    actor: Actor, raw: dict[str, str], lookups: _Lookups, problems: list[dict[str, Any]]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, text in raw.items():
        if not name:
            continue
        column = columns.BY_NAME[name]
        try:
            value = column.parse(text)
        except ValueError as exc:
            problems.append({"field": name, "message": str(exc)})
            continue
        if column.required and not value:
            problems.append({"field": name, "message": f"The {name} is required."})
            continue
        if name in columns.RELATIONS:
            _relate(actor, name, value, lookups, values, problems)
        else:
            values[name] = value
    existing = lookups.existing.get(values.get("identifier", ""))
    if existing is not None and not policies.can_keep_items_of(actor, existing.organization_id):
        problems.append(
            {
                "field": "identifier",
                "message": f"{existing.identifier} belongs to {existing.organization.name}, "
                "whose inventory you do not keep.",
            }
        )
    return values


def _relate(
    actor: Actor,
    name: str,
    value: str,
    lookups: _Lookups,
    values: dict[str, Any],
    problems: list[dict[str, Any]],
) -> None:
    if name == "department":
        organization = lookups.organizations.get(value.lower())
        if organization is None:
            problems.append({"field": name, "message": f"There is no department {value!r}."})
        elif not policies.can_keep_items_of(actor, organization.pk):
            message = f"You do not keep the inventory of {organization.name}."
            problems.append({"field": name, "message": message})
        else:
            values["organization"] = organization
    elif name == "steward":
        user = lookups.users.get(value) if value else None
        if value and user is None:
            problems.append({"field": name, "message": f"There is no account {value!r}."})
        values["steward"] = user
    else:
        dataset = lookups.datasets.get(value) if value else None
        if value and dataset is None:
            problems.append({"field": name, "message": f"There is no dataset {value!r}."})
        values["dataset"] = dataset


def _model_problems(values: dict[str, Any], existing: InventoryItem | None) -> list[dict[str, Any]]:
    """The model's own rules (lengths, the update frequency, the reasons a state needs)."""
    item = InventoryItem() if existing is None else copy.copy(existing)
    for name, value in values.items():
        setattr(item, name, value)
    try:
        item.full_clean(validate_unique=False)
    except ValidationError as exc:
        return [
            {
                "field": "" if name == NON_FIELD_ERRORS else FIELD_COLUMN.get(name, name),
                "message": message,
            }
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return []


def dataset_values(item: InventoryItem, actor: Actor) -> dict[str, Any]:
    """The metadata a dataset draft starts with, from its inventory item."""
    contact = item.steward or actor
    return {
        "title": item.title,
        "description": item.description or item.title,
        "license": item.license,
        "access_level": item.access_level,
        "rights": item.reason_note[:255] if item.access_level != AccessLevel.PUBLIC else "",
        "accrual_periodicity": item.update_frequency,
        "contact_name": (contact.get_full_name() or contact.get_username()) if contact else "",
        "contact_email": getattr(contact, "email", "") or item.organization.email,
    }


def one(
    actor: Actor, data: dict[str, Any], existing: InventoryItem | None = None
) -> dict[str, Any]:
    """One item's values given as JSON (the API), checked as a file's row would be."""
    if existing is not None and not policies.can_keep_items_of(actor, existing.organization_id):
        raise PermissionDenied(
            f"Only the stewards of {existing.organization.name} and coordinators keep its "
            "inventory.",
            attempt="inventory_item.change",
        )
    problems: list[dict[str, Any]] = [
        {"field": name, "message": "There is no such inventory field."}
        for name in data
        if name not in columns.BY_NAME
    ]
    if existing is not None and data.get("identifier", existing.identifier) != existing.identifier:
        problems.append({"field": "identifier", "message": "An item's identifier does not change."})
    if existing is None:
        problems += [
            {"field": c.name, "message": f"The {c.name} is required."}
            for c in columns.COLUMNS
            if c.required and c.name not in data
        ]
    if problems:
        raise Invalid("The item has problems; see errors.", problems)
    given = data if existing is None else {**data, "identifier": existing.identifier}
    names = ["identifier", *[n for n in given if n != "identifier"]]
    cells = [_as_text(given[name]) for name in names]
    lookups = _lookups(names, [(0, cells)])
    if existing is not None:
        lookups.existing = {existing.identifier: existing}
    values = _values(actor, dict(zip(names, cells, strict=True)), lookups, problems)
    if not problems:
        problems = _model_problems(values, existing)
    if problems:
        raise Invalid("The item has problems; see errors.", problems)
    return values


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
