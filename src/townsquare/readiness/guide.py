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


def steps(readiness: Readiness, launched: bool) -> list[Step]:
    passed = {c.key for c in readiness.checks if c.passed}
    keys = {c.key for c in readiness.checks}
    organizations = Organization.objects.count()
    led = Membership.objects.filter(role=OrgRole.STEWARD).values("organization").distinct()
    datasets_done = "shortlist" in passed and not any(
        c.scope == "dataset" and not c.passed for c in readiness.checks
    )
    plan = [
        (
            "Write the purpose",
            "purpose" in passed,
            "Why the town shares data, in a few sentences: it opens the home page.",
            reverse("governance:purpose-edit"),
        ),
        (
            "Add the departments and their people",
            organizations > 0 and led.count() == organizations and "coordinator" in passed,
            "Each department with a steward who publishes, an approver who signs off and a "
            "privacy officer, and a coordinator who runs the program: invite people and name "
            "the coordinator on the People page, give roles on each department's Members page.",
            reverse("catalog:organizations"),
        ),
        (
            "Draft the governance policy and name its signatories",
            "policy" in passed,
            "Who signs it, then the policy itself: it takes effect once they have signed.",
            reverse("governance:signatories"),
        ),
        (
            "Build the inventory",
            "inventory_coverage" in passed,
            "Every data asset of at least 80% of the departments, published or not; import "
            "the spreadsheet you keep.",
            reverse("readiness:inventory"),
        ),
        (
            "Choose the launch shortlist",
            "shortlist" in passed and "shortlist" in keys,
            "A few high-demand, high-value datasets from the ranking.",
            reverse("readiness:priorities"),
        ),
        (
            "Prepare and publish the shortlisted datasets through sign-off",
            datasets_done,
            "Start each as a draft from its inventory item, complete it, submit it; its "
            "approvers sign it off.",
            reverse("readiness:inventory") + "?state=shortlisted",
        ),
        (
            "Launch",
            launched,
            "When the checklist passes (or with your reason): the portal opens to the public.",
            reverse("readiness:checklist"),
        ),
    ]
    return [
        Step(number, title, done, how, url)
        for number, (title, done, how, url) in enumerate(plan, start=1)
    ]
