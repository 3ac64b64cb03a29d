"""The inventory over the API: list, read, create, change, import and export, and turning an
item into a dataset draft."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from townsquare.accounts.selectors import user_by_username
from townsquare.core.actors import ApiRequest
from townsquare.core.errors import PermissionDenied
from townsquare.core.uploads import ensure_upload_within_limit
from townsquare.readiness import (
    announcements,
    checklist,
    columns,
    policies,
    priority,
    rows,
    selectors,
    services,
    sheets,
)
from townsquare.readiness.factors import DEFAULT_WEIGHTS, FACTORS
from townsquare.readiness.models import Announcement, InventoryItem, Program
from townsquare.readiness.schemas import ItemIn

router = Router()


def item_out(item: InventoryItem) -> dict[str, Any]:
    return {
        **{c.name: columns.cell(item, c.name) for c in columns.COLUMNS},
        "on_shortlist": item.on_shortlist,
    }


def ranked_out(entry: priority.Ranked) -> dict[str, Any]:
    return {
        "rank": entry.rank,
        "identifier": entry.item.identifier,
        "title": entry.item.title,
        "department": entry.item.organization.slug,
        "state": entry.item.state,
        "on_shortlist": entry.item.on_shortlist,
        "score": entry.score,
        "why": entry.reasons,
        "risk_unresolved": entry.risk_unresolved,
        "factors": {
            c.factor.name: {"value": c.value, "points": round(c.points, 2), "weight": c.weight}
            for c in entry.contributions
        },
    }


def program_out(program: Program) -> dict[str, Any]:
    return {
        "weights": {**DEFAULT_WEIGHTS, **program.weights},
        "shortlist_target": program.shortlist_target,
        "min_score": program.min_score,
        "review_months": program.review_months,
        "launched_at": program.launched_at,
        "launched_by": program.launched_by or None,
        "launch_override": program.launch_override or None,
        "factors": [
            {"name": f.name, "label": f.label, "group": f.group, "default_weight": f.weight}
            for f in FACTORS
        ],
    }


class ProgramIn(Schema):
    model_config = ConfigDict(extra="forbid")

    weights: dict[str, Any] | None = Field(None, description="Factor name → weight, 0 to 10.")
    shortlist_target: int | None = Field(None, description="The launch shortlist's size.")
    min_score: int | None = Field(
        None, description="The lowest metadata score (0–100) a launch dataset may have."
    )
    review_months: int | None = Field(
        None, description="Months between reviews of the purpose and the policy (12)."
    )


@router.get("/program", summary="The prioritization factors, their weights and the target")
def program(request: ApiRequest) -> dict[str, Any]:
    if not policies.can_see_inventory(request.auth):
        raise PermissionDenied("Only members of a department and coordinators see the program.")
    return program_out(selectors.program())


@router.patch("/program", summary="Set the weights and the shortlist's target (coordinators)")
def program_set(request: ApiRequest, payload: ProgramIn) -> dict[str, Any]:
    values = payload.model_dump(exclude_unset=True)
    return program_out(services.program_set(actor=request.auth, **values))


@router.get("/program/ranking", summary="The inventory by priority, each item with why")
def ranking(
    request: ApiRequest, department: str = "", offset: int = 0, limit: int = 100
) -> dict[str, Any]:
    if offset < 0 or not 1 <= limit <= 1000:
        raise ValidationError({"limit": "offset is 0 or more; limit is from 1 to 1000."})
    total, entries = selectors.ranked_inventory(
        actor=request.auth, organization=department, start=offset, stop=offset + limit
    )
    return {"total": total, "items": [ranked_out(entry) for entry in entries]}


@router.get("/program/shortlist", summary="The launch shortlist, its target and its warnings")
def shortlist(request: ApiRequest) -> dict[str, Any]:
    found = selectors.shortlist(actor=request.auth)
    return {
        "target": found.target,
        "warnings": found.warnings,
        "items": [ranked_out(entry) for entry in found.items],
    }


@router.get("/inventory", summary="The inventory items you see (all, for coordinators)")
def inventory(request: ApiRequest, department: str = "", state: str = "") -> list[dict[str, Any]]:
    items = selectors.inventory_items(actor=request.auth, organization=department, state=state)
    return [item_out(item) for item in items]


@router.get("/inventory/export.{file_format}", summary="The inventory as CSV or XLSX")
def export(request: ApiRequest, file_format: Literal["csv", "xlsx"]) -> HttpResponse:
    content = services.inventory_export(actor=request.auth, file_format=file_format)
    response = HttpResponse(content, content_type=sheets.MEDIA_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="inventory.{file_format}"'
    return response


@router.post(
    "/inventory/import",
    summary="Import a CSV or XLSX inventory (multipart/form-data): all rows or none",
)
def import_file(request: ApiRequest, file: File[UploadedFile]) -> dict[str, Any]:
    ensure_upload_within_limit(request)
    imported = services.inventory_import(
        actor=request.auth, content=file.read(), filename=file.name or "inventory.csv"
    )
    return {
        "created": imported.created,
        "updated": imported.updated,
        "unchanged": imported.unchanged,
    }


@router.post("/inventory", response={201: dict[str, Any]}, summary="Add an inventory item")
def create(request: ApiRequest, payload: ItemIn) -> Status[dict[str, Any]]:
    values = rows.one(request.auth, payload.model_dump(exclude_unset=True))
    return Status(201, item_out(services.inventory_item_create(actor=request.auth, **values)))


@router.get("/inventory/{identifier}", summary="One inventory item")
def item(request: ApiRequest, identifier: str) -> dict[str, Any]:
    return item_out(selectors.inventory_item(actor=request.auth, identifier=identifier))


@router.patch("/inventory/{identifier}", summary="Change an inventory item's fields")
def update(request: ApiRequest, identifier: str, payload: ItemIn) -> dict[str, Any]:
    found = selectors.inventory_item(actor=request.auth, identifier=identifier)
    values = rows.one(request.auth, payload.model_dump(exclude_unset=True), existing=found)
    values.pop("identifier", None)
    return item_out(services.inventory_item_update(actor=request.auth, item=found, **values))


@router.post(
    "/inventory/{identifier}/draft",
    response={201: dict[str, Any]},
    summary="Start the item's dataset as a draft with its metadata filled in",
)
def draft(request: ApiRequest, identifier: str) -> Status[dict[str, Any]]:
    found = selectors.inventory_item(actor=request.auth, identifier=identifier)
    dataset = services.inventory_item_draft(actor=request.auth, item=found)
    return Status(201, {"dataset": dataset.slug, "state": dataset.state, "item": identifier})


@router.post("/inventory/{identifier}/shortlist", summary="Put the item on the launch shortlist")
def shortlist_add(request: ApiRequest, identifier: str) -> dict[str, Any]:
    found = selectors.inventory_item(actor=request.auth, identifier=identifier)
    return item_out(services.inventory_item_shortlist(actor=request.auth, item=found, on=True))


@router.delete("/inventory/{identifier}/shortlist", summary="Take the item off the shortlist")
def shortlist_remove(request: ApiRequest, identifier: str) -> dict[str, Any]:
    found = selectors.inventory_item(actor=request.auth, identifier=identifier)
    return item_out(services.inventory_item_shortlist(actor=request.auth, item=found, on=False))


def check_out(check: checklist.Check) -> dict[str, Any]:
    return {
        "key": check.key,
        "label": check.label,
        "scope": check.scope,
        "subject": check.subject,
        "passed": check.passed,
        "why": None if check.passed else check.why,
        "fix": check.fix,
        "item": check.manual_id,
    }


def readiness_out(found: checklist.Readiness) -> dict[str, Any]:
    return {
        "ready": found.ready,
        "percent": found.percent,
        "blocking": len(found.blocking),
        "checks": [check_out(c) for c in found.checks],
    }


class ChecklistItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(max_length=200)
    assignee: str = Field(description="The username of the person who ticks it.")


class TickIn(Schema):
    model_config = ConfigDict(extra="forbid")

    done: bool = True


@router.get("/readiness", summary="The launch readiness checklist: blocking items first")
def readiness(request: ApiRequest) -> dict[str, Any]:
    return readiness_out(selectors.readiness(actor=request.auth))


@router.post(
    "/readiness/items", response={201: dict[str, Any]}, summary="Add a manual item (coordinators)"
)
def checklist_add(request: ApiRequest, payload: ChecklistItemIn) -> Status[dict[str, Any]]:
    assignee = user_by_username(payload.assignee)
    entry = services.checklist_item_add(actor=request.auth, label=payload.label, assignee=assignee)
    return Status(201, {"item": entry.pk, "label": entry.label, "assignee": payload.assignee})


@router.post("/readiness/items/{int:pk}/tick", summary="Tick (or untick) your manual item")
def checklist_tick(request: ApiRequest, pk: int, payload: TickIn) -> dict[str, Any]:
    entry = selectors.checklist_item(actor=request.auth, pk=pk)
    entry = services.checklist_item_tick(actor=request.auth, entry=entry, done=payload.done)
    return {"item": entry.pk, "label": entry.label, "done": entry.done_at is not None}


@router.delete("/readiness/items/{int:pk}", response={204: None}, summary="Remove a manual item")
def checklist_remove(request: ApiRequest, pk: int) -> Status[None]:
    entry = selectors.checklist_item(actor=request.auth, pk=pk)
    services.checklist_item_remove(actor=request.auth, entry=entry)
    return Status(204, None)


class LaunchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    override: str = Field(
        "", max_length=2000, description="Why to launch although readiness items are to do."
    )


@router.post("/program/launch", summary="Launch the portal (coordinators)")
def launch(request: ApiRequest, payload: LaunchIn) -> dict[str, Any]:
    return program_out(services.program_launch(actor=request.auth, override=payload.override))


def announcement_out(entry: Announcement) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "title": entry.title,
        "body": entry.body,
        "state": entry.state,
        "publish_at": entry.publish_at,
        "milestone": entry.milestone.label if entry.milestone else None,
    }


class AnnouncementIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, max_length=200)
    body: str | None = Field(None, description="Markdown (no scripts).")
    publish_at: datetime | None = Field(None, description="Shown from this moment (default now).")
    state: Literal["draft", "published", "dismissed"] | None = None


@router.get("/announcements", summary="The announcements shown to the public, newest first")
def announcement_list(request: ApiRequest) -> list[dict[str, Any]]:
    return [announcement_out(a) for a in selectors.announcements_shown()[:50]]


@router.get("/announcements/{int:pk}", summary="One announcement")
def announcement_detail(request: ApiRequest, pk: int) -> dict[str, Any]:
    return announcement_out(selectors.announcement(actor=request.auth, pk=pk))


@router.post("/announcements", response={201: dict[str, Any]}, summary="Write an announcement")
def announcement_create(request: ApiRequest, payload: AnnouncementIn) -> Status[dict[str, Any]]:
    values = payload.model_dump(exclude_unset=True)
    entry = announcements.announcement_create(
        actor=request.auth,
        title=values.get("title") or "",
        body=values.get("body") or "",
        publish_at=values.get("publish_at"),
        publish=values.get("state", "published") == "published",
    )
    return Status(201, announcement_out(entry))


@router.patch("/announcements/{int:pk}", summary="Change, publish or dismiss an announcement")
def announcement_update(request: ApiRequest, pk: int, payload: AnnouncementIn) -> dict[str, Any]:
    found = selectors.announcement(actor=request.auth, pk=pk)
    values = payload.model_dump(exclude_unset=True)
    entry = announcements.announcement_update(actor=request.auth, entry=found, **values)
    return announcement_out(entry)


@router.get("/program/milestones", summary="The milestones reached, newest first")
def milestone_list(request: ApiRequest) -> list[dict[str, Any]]:
    if not policies.can_see_readiness(request.auth):
        raise PermissionDenied("Only the organization's staff and coordinators see milestones.")
    return [
        {
            "key": m.key,
            "label": m.label,
            "reached_at": m.reached_at,
            "announcement": getattr(m, "announcement", None) and m.announcement.pk,
        }
        for m in selectors.milestones()
    ]
