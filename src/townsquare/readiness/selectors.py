"""Reading the inventory, filtered by what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from townsquare.core.actors import Actor
from townsquare.core.errors import NotFound, PermissionDenied
from townsquare.readiness import checklist, policies, priority
from townsquare.readiness.models import (
    Announcement,
    ChecklistItem,
    InventoryItem,
    Milestone,
    Program,
)


def inventory_items(
    *, actor: Actor, organization: str = "", state: str = ""
) -> QuerySet[InventoryItem]:
    """The items the actor sees (their departments'; all for coordinators)."""
    if not policies.can_see_inventory(actor):
        raise PermissionDenied("Only members of a department and coordinators see the inventory.")
    items = InventoryItem.objects.select_related("organization", "steward", "dataset")
    seen = policies.inventory_organizations(actor)
    if seen is not None:
        items = items.filter(organization_id__in=seen)
    if organization:
        items = items.filter(organization__slug=organization)
    if state:
        items = items.filter(state=state)
    return items


def inventory_item(*, actor: Actor, identifier: str) -> InventoryItem:
    item = (
        InventoryItem.objects.select_related("organization", "steward", "dataset")
        .filter(identifier=identifier)
        .first()
    )
    if item is None or not policies.can_see_item(actor, item):  # outsiders learn nothing
        raise NotFound(f"There is no inventory item {identifier!r}.")
    return item


def program() -> Program:
    found = Program.objects.order_by("pk").first()
    return found if found is not None else Program.objects.create()


def ranked_inventory(
    *, actor: Actor, organization: str = "", start: int = 0, stop: int | None = None
) -> tuple[int, list[priority.Ranked]]:
    """How many items the actor sees, and those ranked ``start`` to ``stop``, highest priority
    first, each with why it ranks there."""
    items = inventory_items(actor=actor, organization=organization)
    return priority.ranked_slice(items, program(), start, stop if stop is not None else 10**9)


@dataclass
class Shortlist:
    items: list[priority.Ranked]
    target: int
    warnings: list[str]


def shortlist(*, actor: Actor) -> Shortlist:
    settings = program()
    items = priority.ranked(inventory_items(actor=actor).filter(on_shortlist=True), settings)
    return Shortlist(items, settings.shortlist_target, priority.shortlist_warnings(items, settings))


def readiness(*, actor: Actor) -> checklist.Readiness:
    if not policies.can_see_readiness(actor):
        raise PermissionDenied("Only the organization's staff and coordinators see readiness.")
    return checklist.evaluate()


def checklist_item(*, actor: Actor, pk: int) -> ChecklistItem:
    entry = ChecklistItem.objects.select_related("assignee").filter(pk=pk).first()
    if entry is None or not policies.can_see_readiness(actor):
        raise NotFound(f"There is no checklist item {pk}.")
    return entry


LAUNCHED_KEY = "readiness:launched"


def launched() -> bool:
    """Whether the portal launched. A launched portal stays launched, so the answer is kept
    in the cache once it is yes (no query per request after that)."""
    if cache.get(LAUNCHED_KEY):
        return True
    if Program.objects.filter(launched_at__isnull=False).exists():
        cache.set(LAUNCHED_KEY, True, timeout=None)
        return True
    return False


def announcements_shown() -> QuerySet[Announcement]:
    """What the public reads: published announcements whose moment has come, newest first."""
    return Announcement.objects.filter(
        state=Announcement.State.PUBLISHED, publish_at__lte=timezone.now()
    ).order_by("-publish_at", "-pk")


def announcements_kept(*, actor: Actor) -> QuerySet[Announcement]:
    """Every announcement with its milestone, drafts and dismissed ones too (coordinators)."""
    if not policies.can_run_program(actor):
        raise PermissionDenied("Only coordinators manage announcements.")
    return Announcement.objects.select_related("milestone").order_by("-created_at", "-pk")


def announcement(*, actor: Actor, pk: int) -> Announcement:
    shown = announcements_shown() if not policies.can_run_program(actor) else Announcement.objects
    found = shown.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"There is no announcement {pk}.")
    return found


def milestones() -> QuerySet[Milestone]:
    return Milestone.objects.select_related("announcement").order_by("-reached_at", "-pk")
