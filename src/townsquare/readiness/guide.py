"""The guided first run: the program's steps in the order a new portal takes them, each done or
not from what the portal knows, each leading to the real page that does it (no wizard: every
step is the page, the service and the audit trail that later changes use)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from townsquare.accounts.models import Membership, OrgRole
from townsquare.catalog.models import Organization
from townsquare.readiness.checklist import Readiness


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    done: bool
    how: str
    url: str


# (what it needs done, title, how, the page): in the order a new portal takes them.
STEPS = [
    (
        "purpose",
        "Write the purpose",
        "Why the town shares data, in a few sentences: it opens the home page.",
        "governance:purpose-edit",
    ),
    (
        "people",
        "Add the departments and their people",
        "Each department with a steward who publishes, an approver who signs off and a privacy "
        "officer, and a coordinator who runs the program: invite people and name the "
        "coordinator on the People page, give roles on each department's Members page.",
        "catalog:organizations",
    ),
    (
        "policy",
        "Draft the governance policy and name its signatories",
        "Who signs it, then the policy itself: it takes effect once they have signed.",
        "governance:signatories",
    ),
    (
        "inventory_coverage",
        "Build the inventory",
        "Every data asset of at least 80% of the departments, published or not; import the "
        "spreadsheet you keep.",
        "readiness:inventory",
    ),
    (
        "shortlist",
        "Choose the launch shortlist",
        "A few high-demand, high-value datasets from the ranking.",
        "readiness:priorities",
    ),
    (
        "datasets",
        "Prepare and publish the shortlisted datasets through sign-off",
        "Start each as a draft from its inventory item, complete it, submit it; its approvers "
        "sign it off.",
        "readiness:inventory",
    ),
    (
        "launched",
        "Launch",
        "When the checklist passes (or with your reason): the portal opens to the public.",
        "readiness:checklist",
    ),
]


def steps(readiness: Readiness, launched: bool) -> list[Step]:
    done = _done(readiness, launched)
    return [
        Step(number, title, done[key], how, reverse(page))
        for number, (key, title, how, page) in enumerate(STEPS, start=1)
    ]


def _done(readiness: Readiness, launched: bool) -> dict[str, bool]:
    passed = {c.key for c in readiness.checks if c.passed}
    organizations = Organization.objects.count()
    led = Membership.objects.filter(role=OrgRole.STEWARD).values("organization").distinct()
    return {
        "purpose": "purpose" in passed,
        "people": organizations > 0 and led.count() == organizations and "coordinator" in passed,
        "policy": "policy" in passed,
        "inventory_coverage": "inventory_coverage" in passed,
        "shortlist": "shortlist" in passed,
        "datasets": "shortlist" in passed
        and not any(c.scope == "dataset" and not c.passed for c in readiness.checks),
        "launched": launched,
    }
