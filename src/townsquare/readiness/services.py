"""Keeping the inventory: items one by one, a whole spreadsheet at once (every bad row reported,
nothing written until the file is clean; re-imports update by identifier), and turning an item
into a dataset draft with its metadata filled in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare.audit import services as audit
from townsquare.catalog.models import Dataset, Organization
from townsquare.core.actors import Actor, user_or_none
from townsquare.core.errors import Conflict, Invalid, PermissionDenied
from townsquare.governance import workflow
from townsquare.readiness import checklist, columns, milestones, policies, rows, selectors, sheets
from townsquare.readiness.factors import BY_NAME as FACTOR_NAMES
from townsquare.readiness.factors import DEFAULT_WEIGHTS, MAX_WEIGHT
from townsquare.readiness.models import ChecklistItem, InventoryItem, Program


@dataclass
class Imported:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _check_may_keep(actor: Actor, organization: Organization) -> None:
    if not policies.can_keep_items_of(actor, organization.pk):
        raise PermissionDenied(
            f"Only the stewards of {organization.name} and coordinators keep its inventory.",
            attempt="inventory_item.change",
        )


def _saved(item: InventoryItem) -> InventoryItem:
    item.full_clean()
    item.updated_at = timezone.now()
    item.save()
    return item


@transaction.atomic
def inventory_item_create(
    *, actor: Actor, organization: Organization, identifier: str, title: str, **values: Any
) -> InventoryItem:
    _check_may_keep(actor, organization)
    rows.check_values(values)
    item = InventoryItem(organization=organization, identifier=identifier, title=title, **values)
    _saved(item)
    audit.record(actor, "inventory_item.created", item, after=rows.described(item))
    return item


@transaction.atomic
def inventory_item_update(*, actor: Actor, item: InventoryItem, **values: Any) -> InventoryItem:
    item = InventoryItem.objects.select_for_update().get(pk=item.pk)
    _check_may_keep(actor, item.organization)
    rows.check_values(values)
    if "organization" in values:
        _check_may_keep(actor, values["organization"])
    before = rows.described(item)
    for name, value in values.items():
        setattr(item, name, value)
    _saved(item)
    after = rows.described(item)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        audit.record(
            actor,
            "inventory_item.updated",
            item,
            before={k: before.get(k) for k in changed},
            after=changed,
        )
    return item


def inventory_import(*, actor: Actor, content: bytes, filename: str) -> Imported:
    """Import a CSV or XLSX inventory: each row creates the item of its identifier or updates
    it. Every problem of every row is reported (``Invalid``) and nothing is written unless the
    whole file is clean."""
    header, body = sheets.read(content, filename)
    parsed = rows.parse(actor, header, body)
    if parsed.problems:
        raise Invalid(
            f"The file has {len(parsed.problems)} problem(s) on "
            f"{len({p['line'] for p in parsed.problems})} line(s); nothing was imported.",
            parsed.problems,
        )
    result = Imported()
    with transaction.atomic():
        for values in parsed.items:
            identifier = values["identifier"]
            existing = parsed.existing.get(identifier)
            if existing is None:
                inventory_item_create(actor=actor, **values)
                result.created.append(identifier)
                continue
            before = rows.described(existing)
            updated = inventory_item_update(
                actor=actor, item=existing, **{k: v for k, v in values.items() if k != "identifier"}
            )
            target = result.updated if rows.described(updated) != before else result.unchanged
            target.append(identifier)
        audit.record(
            actor,
            "inventory.imported",
            None,
            after={
                "file": filename[:200],
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": len(result.unchanged),
            },
        )
    return result


def inventory_export(*, actor: Actor, file_format: str) -> bytes:
    """The items the actor sees, as a file the import reads back unchanged."""
    if file_format not in sheets.FORMATS:
        raise ValidationError({"format": f"Choose one of: {', '.join(sheets.FORMATS)}."})
    seen = policies.inventory_organizations(actor)
    if seen == []:
        raise PermissionDenied("Only members of a department and coordinators see the inventory.")
    items = InventoryItem.objects.select_related("organization", "steward", "dataset")
    if seen is not None:
        items = items.filter(organization_id__in=seen)
    names = [c.name for c in columns.COLUMNS]
    return sheets.write(
        names, ([columns.cell(item, n) for n in names] for item in items), file_format
    )


@transaction.atomic
def inventory_item_draft(*, actor: Actor, item: InventoryItem) -> Dataset:
    """A dataset draft with the item's metadata filled in; the item is then in preparation."""
    item = InventoryItem.objects.select_for_update().get(pk=item.pk)
    _check_may_keep(actor, item.organization)
    if item.dataset_id is not None:
        raise Conflict(f"{item.title} already has its dataset.", field="dataset")
    if item.state == InventoryItem.State.NOT_RELEASABLE:
        raise Conflict(
            f"{item.title} is marked not releasable; change its state first.", field="state"
        )
    dataset = workflow.dataset_create(
        actor=actor, organization=item.organization, **rows.dataset_values(item, actor)
    )
    before = item.state
    item.dataset = dataset
    if item.state in (InventoryItem.State.CANDIDATE, InventoryItem.State.SHORTLISTED):
        item.state = InventoryItem.State.PREPARING
    _saved(item)
    audit.record(
        actor,
        "inventory_item.drafted",
        item,
        before={"state": before},
        after={"state": item.state, "dataset": dataset.slug},
    )
    return dataset


def program_set(
    *,
    actor: Actor,
    weights: dict[str, Any] | None = None,
    shortlist_target: Any = None,
    min_score: Any = None,
    review_months: Any = None,
) -> Program:
    """The coordinator's weights (0 to 10 per factor), the shortlist's target size and the
    lowest metadata score a launch dataset may have."""
    if not policies.can_run_program(actor):
        raise PermissionDenied("Only coordinators set the priorities.", attempt="program.set")
    problems = _program_problems(weights or {}, shortlist_target, min_score, review_months)
    if problems:
        raise Invalid("The priorities have problems; see errors.", problems)
    with transaction.atomic():
        program = selectors.program()
        program = Program.objects.select_for_update().get(pk=program.pk)
        before = _program_values(program)
        program.weights = {**DEFAULT_WEIGHTS, **program.weights, **(weights or {})}
        if shortlist_target is not None:
            program.shortlist_target = shortlist_target
        if min_score is not None:
            program.min_score = min_score
        if review_months is not None:
            program.review_months = review_months
        program.updated_at, program.updated_by = timezone.now(), user_or_none(actor)
        program.save()
        after = _program_values(program)
        audit.record(actor, "program.priorities_set", program, before=before, after=after)
    return program


def _program_problems(
    weights: dict[str, Any], shortlist_target: Any, min_score: Any, review_months: Any
) -> list[dict[str, str]]:
    problems = [
        {"field": f"weights.{name}", "message": message}
        for name, message in _weight_problems(weights).items()
    ]
    for name, value, low, high, message in (
        ("shortlist_target", shortlist_target, 1, 100, "The target is a number from 1 to 100."),
        ("min_score", min_score, 0, 100, "The score is a number from 0 to 100."),
        ("review_months", review_months, 1, 60, "Review every 1 to 60 months."),
    ):
        if value is not None and not (type(value) is int and low <= value <= high):
            problems.append({"field": name, "message": message})
    return problems


def _program_values(program: Program) -> dict[str, Any]:
    return {
        "weights": program.weights,
        "shortlist_target": program.shortlist_target,
        "min_score": program.min_score,
        "review_months": program.review_months,
    }


def _weight_problems(weights: dict[str, Any]) -> dict[str, str]:
    problems = {}
    for name, weight in weights.items():
        if name not in FACTOR_NAMES:
            problems[name] = f"There is no factor {name!r}."
        elif (
            isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= MAX_WEIGHT
        ):
            problems[name] = f"A weight is a whole number from 0 to {MAX_WEIGHT}."
    return problems


@transaction.atomic
def inventory_item_shortlist(*, actor: Actor, item: InventoryItem, on: bool) -> InventoryItem:
    """Put the item on the launch shortlist (a candidate becomes shortlisted) or take it off."""
    if not policies.can_run_program(actor):
        raise PermissionDenied(
            "Only coordinators pick the launch shortlist.", attempt="inventory_item.shortlist"
        )
    item = InventoryItem.objects.select_for_update().get(pk=item.pk)
    if on and item.state == InventoryItem.State.NOT_RELEASABLE:
        raise Conflict(f"{item.title} is marked not releasable.", field="state")
    before = {"on_shortlist": item.on_shortlist, "state": item.state}
    item.on_shortlist = on
    if on and item.state == InventoryItem.State.CANDIDATE:
        item.state = InventoryItem.State.SHORTLISTED
    elif not on and item.state == InventoryItem.State.SHORTLISTED:
        item.state = InventoryItem.State.CANDIDATE
    _saved(item)
    after = {"on_shortlist": item.on_shortlist, "state": item.state}
    if after != before:
        audit.record(actor, "inventory_item.shortlisted", item, before=before, after=after)
    return item


def checklist_item_add(*, actor: Actor, label: str, assignee: Any) -> ChecklistItem:
    """A manual readiness item ("Town Council briefed") for a named person to tick."""
    if not policies.can_run_program(actor):
        raise PermissionDenied("Only coordinators add checklist items.", attempt="checklist.add")
    entry = ChecklistItem(label=label.strip(), assignee=assignee)
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        audit.record(
            actor,
            "checklist_item.added",
            entry,
            after={"label": entry.label, "assignee": assignee.get_username()},
        )
    return entry


@transaction.atomic
def checklist_item_tick(*, actor: Actor, entry: ChecklistItem, done: bool = True) -> ChecklistItem:
    entry = ChecklistItem.objects.select_for_update().select_related("assignee").get(pk=entry.pk)
    if not policies.can_tick(actor, entry):
        raise PermissionDenied(
            f"Only {entry.assignee.get_username()} ticks “{entry.label}”.",
            attempt="checklist_item.tick",
            target=entry,
        )
    if (entry.done_at is not None) == done:
        return entry
    before = {"done": entry.done_at is not None}
    entry.done_at = timezone.now() if done else None
    entry.done_by = audit.actor_label(actor)[1] if done else ""
    entry.save()
    audit.record(actor, "checklist_item.ticked", entry, before=before, after={"done": done})
    return entry


@transaction.atomic
def checklist_item_remove(*, actor: Actor, entry: ChecklistItem) -> None:
    if not policies.can_run_program(actor):
        raise PermissionDenied(
            "Only coordinators remove checklist items.", attempt="checklist.remove"
        )
    audit.record(actor, "checklist_item.removed", entry, before={"label": entry.label})
    entry.delete()


@transaction.atomic
def program_launch(*, actor: Actor, override: str = "") -> Program:
    """Open the portal: when the readiness checklist passes, or with the coordinator's written
    reason to launch anyway. Recorded in the audit trail (with the items still to do)."""
    if not policies.can_launch(actor):
        raise PermissionDenied("Only coordinators launch the portal.", attempt="program.launch")
    program = Program.objects.select_for_update().get(pk=selectors.program().pk)
    if program.launched_at is not None:
        raise Conflict(f"The portal launched on {program.launched_at:%Y-%m-%d} already.")
    found = checklist.evaluate()
    reason = override.strip()
    if not found.ready and not reason:
        raise Conflict(
            f"The portal is not ready: {len(found.blocking)} readiness item(s) to do. "
            "Finish them, or launch anyway with a written reason.",
            field="override",
        )
    program.launched_at, program.launched_by = timezone.now(), audit.actor_label(actor)[1]
    program.launch_override = "" if found.ready else reason
    program.save()
    milestones.launched(program)
    audit.record(
        actor,
        "program.launched",
        program,
        after={
            "readiness": found.percent,
            "override": program.launch_override,
            "to_do": [c.label for c in found.blocking],
        },
    )
    return program
