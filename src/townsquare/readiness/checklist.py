"""The launch readiness checklist, evaluated from what the portal knows (the frameworks behind
it: What Works Cities, Project Open Data, Louisville's inventory rubric). Each check says its
state, why, and the page that fixes it; the coordinator's manual items are ticked by the person
they name. Ready means every check passes."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from townsquare.accounts.models import Membership, OrgRole, User
from townsquare.catalog.models import Dataset, Organization
from townsquare.catalog.vocabularies import State
from townsquare.datastore.models import DataVersion
from townsquare.datastore.selectors import published_version
from townsquare.governance.models import ApprovalPolicy, Change, Document
from townsquare.governance.selectors import current_document
from townsquare.quality import gate
from townsquare.quality.score import CRITERIA, score
from townsquare.quality.services import report_of
from townsquare.readiness.models import ChecklistItem, InventoryItem, Program

COVERAGE = 0.8  # of the departments, in the inventory
FRESH = timedelta(days=365)  # the inventory updated within a year
ROLES = [
    (OrgRole.STEWARD, "a steward"),
    (OrgRole.APPROVER, "an approver"),
    (OrgRole.PRIVACY, "a privacy officer"),
]
MEASURES = {criterion.name: criterion for criterion in CRITERIA}


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    scope: str  # portal, department, dataset or manual
    subject: str  # the department, dataset or person it is about ("" for the portal)
    passed: bool
    why: str
    fix: str  # the page that fixes it
    manual_id: int | None = None


@dataclass
class Readiness:
    checks: list[Check]

    @property
    def percent(self) -> int:
        if not self.checks:
            return 0
        return round(100 * sum(c.passed for c in self.checks) / len(self.checks))

    @property
    def ready(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def blocking(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


def evaluate() -> Readiness:
    program = Program.objects.order_by("pk").first() or Program()
    shortlist = list(
        InventoryItem.objects.filter(on_shortlist=True)
        .select_related("organization", "dataset")
        .order_by("organization__name", "title")
    )
    departments = sorted({i.organization for i in shortlist}, key=lambda o: o.name)
    checks = [*portal_checks(shortlist, program)]
    for organization in departments:
        checks += department_checks(organization)
    for item in shortlist:
        checks += dataset_checks(item, program)
    checks += manual_checks()
    blocking_first = sorted(checks, key=lambda c: c.passed)
    return Readiness(blocking_first)


def _check(key: str, label: str, passed: bool, why: str, fix: str, **where: str) -> Check:
    return Check(
        key, label, where.get("scope", "portal"), where.get("subject", ""), passed, why, fix
    )


def portal_checks(shortlist: list[InventoryItem], program: Program) -> list[Check]:
    return [
        _purpose(),
        _policy(),
        *(
            _review(kind, program.review_months)
            for kind in (Document.Kind.PURPOSE, Document.Kind.POLICY)
        ),
        _check(
            "coordinator",
            "A coordinator runs the program",
            User.objects.filter(is_coordinator=True, is_active=True).exists(),
            "Nobody is a coordinator: give someone the coordinator role.",
            reverse("accounts:people"),
        ),
        _check(
            "approval_policy",
            "An approval policy is set",
            ApprovalPolicy.objects.filter(organization__isnull=True).exists(),
            "The site-wide approval policy was never set: choose who signs off what.",
            reverse("governance:approval-policy"),
        ),
        *_inventory(),
        _check(
            "shortlist",
            "The launch shortlist is chosen",
            bool(shortlist),
            "No dataset is on the launch shortlist yet: pick a few from the ranking.",
            reverse("readiness:priorities"),
        ),
    ]


def _purpose() -> Check:
    return _check(
        "purpose",
        "The purpose statement is in effect",
        current_document("purpose") is not None,
        "No version of the purpose statement is in effect: write it (and have it signed).",
        reverse("governance:purpose-edit"),
    )


def _policy() -> Check:
    policy = current_document("policy")
    signed = policy is not None and bool(policy.required)
    why = (
        "No version of the governance policy is in effect: draft it and have it signed."
        if policy is None
        else "The governance policy took effect without signatories: name them and sign it."
    )
    return _check(
        "policy",
        "The governance policy is signed by its signatories",
        signed,
        why,
        reverse("governance:signatories") if policy else reverse("governance:policy-edit"),
    )


def review_due(kind: str, months: int) -> datetime | None:
    """When the version in effect is due for its review (months after it took effect)."""
    document = current_document(kind)
    if document is None or document.effective_at is None:
        return None
    return add_months(document.effective_at, months)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later, or the month's last day (29 February + 12 months is 28
    February)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


def _review(kind: str, months: int) -> Check:
    due = review_due(kind, months)
    name = Document.Kind(kind).label.lower()
    return _check(
        f"{kind}_review",
        f"The {name} was reviewed within {months} months",
        due is None or due >= timezone.now(),  # none in effect: its own item says so
        f"Its review was due on {due:%Y-%m-%d}: revise it (a new version, signed again)."
        if due
        else "",
        reverse(f"governance:{kind}-edit"),
    )


def _inventory() -> list[Check]:
    total = Organization.objects.count()
    covered = InventoryItem.objects.values("organization_id").distinct().count()
    latest = InventoryItem.objects.aggregate(latest=Max("updated_at"))["latest"]
    share = covered / total if total else 0.0
    return [
        _check(
            "inventory_coverage",
            "The inventory covers at least 80% of departments",
            share >= COVERAGE,
            f"The inventory holds items of {covered} of {total} departments ({share:.0%}).",
            reverse("readiness:inventory"),
        ),
        _check(
            "inventory_fresh",
            "The inventory was updated within 12 months",
            latest is not None and timezone.now() - latest <= FRESH,
            "The inventory is empty."
            if latest is None
            else f"The inventory was last updated on {latest:%Y-%m-%d}.",
            reverse("readiness:inventory"),
        ),
    ]


def department_checks(organization: Organization) -> list[Check]:
    held = set(Membership.objects.filter(organization=organization).values_list("role", flat=True))
    members = reverse("accounts:members", args=[organization.slug])
    return [
        _check(
            f"department_{role}",
            f"{organization.name} has {label}",
            role in held,
            f"Nobody in {organization.name} is {label}.",
            members,
            scope="department",
            subject=organization.name,
        )
        for role, label in ROLES
    ]


def dataset_checks(item: InventoryItem, program: Program) -> list[Check]:
    where = {"scope": "dataset", "subject": item.title}
    dataset = item.dataset
    if dataset is None:
        started = _check(
            "dataset_started",
            f"{item.title} has its dataset",
            False,
            "Its dataset is not started: start it as a draft from the inventory item.",
            reverse("readiness:item", args=[item.identifier]),
            **where,
        )
        return [started]
    edit = reverse("catalog:dataset-edit", args=[dataset.slug])
    version = published_version(dataset)
    fields = version.fields if version else None
    measured = score(dataset, fields)
    return [
        _published(item, dataset, **where),
        *_data(item, dataset, version),
        _check(
            "dataset_score",
            f"{item.title} scores at least {program.min_score} for its metadata",
            measured.score >= program.min_score,
            f"Its metadata scores {measured.score}: {' '.join(measured.suggestions[:2])}",
            edit,
            **where,
        ),
        *_criteria(item, dataset, fields, edit),
    ]


def _data(item: InventoryItem, dataset: Dataset, version: DataVersion | None) -> list[Check]:
    """The published data's checks: no blocking quality errors, the privacy findings cleared."""
    report = report_of(version) if version is not None else None
    page = reverse("catalog:dataset", args=[dataset.slug])
    return [
        _check(
            "dataset_errors",
            f"{item.title} has no blocking errors",
            report is None or report.errors == 0,
            f"Its data has {report.errors if report else 0} blocking error(s).",
            page,
            scope="dataset",
            subject=item.title,
        ),
        _check(
            "dataset_privacy",
            f"{item.title} has its privacy findings resolved",
            gate.cleared(version),
            "Personal data the privacy scan found waits for a steward or a privacy officer.",
            page,
            scope="dataset",
            subject=item.title,
        ),
    ]


def _published(item: InventoryItem, dataset: Dataset, **where: str) -> Check:
    signed = Change.objects.filter(dataset=dataset, status=Change.Status.PUBLISHED).exists()
    published = dataset.state == State.PUBLISHED
    why = (
        "It is not published yet: submit it for review."
        if not published
        else "It was published without a sign-off: changes to it are reviewed from now on."
    )
    return _check(
        "dataset_published",
        f"{item.title} is published through sign-off",
        published and signed,
        why,
        reverse("catalog:dataset", args=[dataset.slug]),
        **where,
    )


def _criteria(
    item: InventoryItem, dataset: Dataset, fields: list[dict[str, object]] | None, edit: str
) -> Iterable[Check]:
    for key, name, label in (
        ("dataset_license", "open license", "has an open license"),
        ("dataset_frequency", "update frequency", "declares its update frequency"),
        ("dataset_contact", "contact", "names a contact point"),
        ("dataset_dictionary", "data dictionary", "has a data dictionary"),
    ):
        met, suggestion = MEASURES[name].measure(dataset, fields)
        passed = met > 0 if name == "update frequency" else met >= 1
        yield _check(
            key,
            f"{item.title} {label}",
            passed,
            suggestion,
            edit,
            scope="dataset",
            subject=item.title,
        )


def manual_checks() -> list[Check]:
    return [
        Check(
            "manual",
            entry.label,
            "manual",
            entry.assignee.get_username(),
            entry.done_at is not None,
            f"Waiting for {entry.assignee.get_username()} to tick it."
            if entry.done_at is None
            else f"Ticked by {entry.done_by} on {entry.done_at:%Y-%m-%d}.",
            reverse("readiness:checklist"),
            manual_id=entry.pk,
        )
        for entry in ChecklistItem.objects.select_related("assignee")
    ]
