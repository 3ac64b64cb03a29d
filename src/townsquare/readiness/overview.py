"""The program at a glance, for the coordinator and staff: the launch shortlist against the
plan, the inventory by state, and each department's progress in the spirit of Louisville's
inventory rubric (a lead named, its inventory, how much of it is prepared and published)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from townsquare.accounts.models import Membership, OrgRole
from townsquare.catalog.models import Organization
from townsquare.readiness.models import InventoryItem, Program

DONE = {InventoryItem.State.PREPARING, InventoryItem.State.PUBLISHED}


@dataclass
class Bar:
    """A share of a whole, as a chart draws it (``percent`` of the width)."""

    label: str
    count: int
    total: int
    kind: str = ""
    offset: float = 0.0  # where it starts, stacked after the bars before it

    @property
    def percent(self) -> float:
        return round(100 * self.count / self.total, 1) if self.total else 0.0


def stacked(bars: list[Bar]) -> list[Bar]:
    offset = 0.0
    for bar in bars:
        bar.offset = offset
        offset += bar.percent
    return bars


@dataclass
class Department:
    name: str
    slug: str
    lead: bool  # a steward is named
    items: int
    releasable: int
    prepared: int
    published: int
    verified: int

    @property
    def bars(self) -> list[Bar]:
        return stacked(
            [
                Bar("published", self.published, self.releasable, "published"),
                Bar("in preparation", self.prepared - self.published, self.releasable, "preparing"),
            ]
        )


@dataclass
class Overview:
    shortlist: list[Bar] = field(default_factory=list)
    shortlist_total: int = 0
    target: int = 5
    states: list[Bar] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)


def overview() -> Overview:
    """In four queries whatever the size of the inventory."""
    program = Program.objects.order_by("pk").first() or Program()
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    verified: Counter[int] = Counter()
    shortlisted: Counter[str] = Counter()
    for organization_id, state, on_shortlist, checked in InventoryItem.objects.values_list(
        "organization_id", "state", "on_shortlist", "verified"
    ):
        counts[organization_id][state] += 1
        verified[organization_id] += checked
        if on_shortlist:
            shortlisted[state] += 1
    everything = Counter[str]()
    for by_state in counts.values():
        everything.update(by_state)
    return Overview(
        shortlist=_plan(shortlisted),
        shortlist_total=sum(shortlisted.values()),
        target=program.shortlist_target,
        states=stacked(
            [
                Bar(
                    str(label), everything[value], sum(everything.values()), value.replace(" ", "-")
                )
                for value, label in InventoryItem.State.choices
            ]
        ),
        departments=_departments(counts, verified),
    )


def _plan(shortlisted: Counter[str]) -> list[Bar]:
    """The shortlist: published, in preparation, not started."""
    total = sum(shortlisted.values())
    published = shortlisted[InventoryItem.State.PUBLISHED]
    preparing = shortlisted[InventoryItem.State.PREPARING]
    return stacked(
        [
            Bar("published", published, total, "published"),
            Bar("in preparation", preparing, total, "preparing"),
            Bar("not started", total - published - preparing, total, "waiting"),
        ]
    )


def _departments(counts: dict[int, Counter[str]], verified: Counter[int]) -> list[Department]:
    leads = set(
        Membership.objects.filter(role=OrgRole.STEWARD).values_list("organization_id", flat=True)
    )
    found = []
    for organization in Organization.objects.order_by("name"):
        by_state = counts.get(organization.pk, Counter())
        items = sum(by_state.values())
        found.append(
            Department(
                organization.name,
                organization.slug,
                organization.pk in leads,
                items,
                items - by_state[InventoryItem.State.NOT_RELEASABLE],
                sum(by_state[state] for state in DONE),
                by_state[InventoryItem.State.PUBLISHED],
                verified[organization.pk],
            )
        )
    return found
