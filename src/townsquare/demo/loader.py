"""Loads the demo town through the same services every other caller uses. Idempotent: what
exists already (by slug) is kept as it is."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import CommandError

from townsquare.accounts import services as accounts
from townsquare.accounts.models import Membership, User
from townsquare.catalog import services as catalog
from townsquare.catalog.models import Dataset, Organization
from townsquare.catalog.vocabularies import State
from townsquare.core.actors import SYSTEM
from townsquare.datastore import services as datastore
from townsquare.demo import inventory, town, upkeep
from townsquare.demo.generate import GENERATORS
from townsquare.governance import services as governance
from townsquare.governance import workflow
from townsquare.governance.models import ApprovalPolicy, Change, Document
from townsquare.governance.selectors import current_document
from townsquare.readiness import announcements
from townsquare.readiness import selectors as readiness_selectors
from townsquare.readiness import services as readiness
from townsquare.readiness.models import Announcement, InventoryItem

ADMIN_USERNAME = "admin"


@dataclass
class DemoResult:
    admin_password: str | None = None
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def ensure_admin() -> str | None:
    """Create the ``admin`` account with a generated password; None when it exists already."""
    if User.objects.filter(username=ADMIN_USERNAME).exists():
        return None
    user, password = accounts.user_create(
        actor=SYSTEM,
        username=ADMIN_USERNAME,
        email="admin@alderfalls.example",
        first_name="Site",
        last_name="Administrator",
    )
    accounts.user_set_site_role(actor=SYSTEM, user=user, role="admin")
    return password


def load(
    progress: Callable[[str], None] = lambda message: None, *, preparing: bool = False
) -> DemoResult:
    """The town as launched; ``preparing``: the same town weeks before its launch (half its
    inventory, the shortlist chosen, two datasets waiting for sign-off, not launched)."""
    if preparing and readiness_selectors.launched():
        raise CommandError("This portal has launched: --preparing needs an empty database.")
    result = DemoResult(admin_password=ensure_admin())
    organizations = {}
    for values in town.ORGANIZATIONS:
        existing = Organization.objects.filter(slug=values["slug"]).first()
        organizations[values["slug"]] = existing or catalog.organization_create(
            actor=SYSTEM, **values
        )
    if current_document(Document.Kind.PURPOSE) is None:
        governance.document_revise(
            actor=SYSTEM, kind=Document.Kind.PURPOSE, title=town.PURPOSE_TITLE, body=town.PURPOSE
        )
    if not Document.objects.filter(kind=Document.Kind.POLICY).exists():
        _signed_policy()
    _people(organizations)
    _datasets(organizations, result, progress, preparing)
    upkeep.history(result.created)
    if not Change.objects.filter(status__in=Change.OPEN).exists():
        _pending_submission(organizations[town.PENDING["organization"]])
    _program(preparing)
    return result


def _datasets(
    organizations: dict[str, Organization],
    result: DemoResult,
    progress: Callable[[str], None],
    preparing: bool,
) -> None:
    """Each dataset the town does not have yet, then the one refreshed from a live source."""
    with tempfile.TemporaryDirectory(prefix="townsquare-demo-") as folder:
        for spec in town.DATASETS:
            slug = spec["values"]["slug"]
            if Dataset.objects.filter(slug=slug).exists():
                result.kept.append(slug)
                continue
            progress(f"Generating and loading {slug}")
            if preparing and slug in town.PREPARING_DRAFTS:
                _load_draft(spec, organizations[spec["organization"]], Path(folder))
            else:
                _load_dataset(spec, organizations[spec["organization"]], Path(folder))
            result.created.append(slug)
        if not Dataset.objects.filter(slug=town.LIVE["values"]["slug"]).exists():
            progress("Loading the street light outages and their hourly source")
            result.notes.append(
                upkeep.live_dataset(organizations[town.LIVE["organization"]], Path(folder))
            )
            result.created.append(town.LIVE["values"]["slug"])


def _program(preparing: bool) -> None:
    """The inventory, the shortlist the town launched with, the launch and its news."""
    readiness.inventory_import(
        actor=SYSTEM,
        content=inventory.spreadsheet(inventory.preparing() if preparing else None),
        filename="alder-falls-inventory.csv",
    )
    for item in InventoryItem.objects.filter(identifier__in=inventory.SHORTLIST):
        readiness.inventory_item_shortlist(actor=SYSTEM, item=item, on=True)
    if preparing:
        return
    if not readiness_selectors.launched():
        readiness.program_launch(actor=SYSTEM, override=town.LAUNCH_OVERRIDE)
    announced = ["launch"] + [
        f"first-dataset:{organization.pk}"
        for organization in Organization.objects.filter(slug__in=town.ANNOUNCED_FIRSTS)
    ]
    for draft in Announcement.objects.filter(
        state=Announcement.State.DRAFT, milestone__key__in=announced
    ):
        announcements.announcement_update(
            actor=SYSTEM, entry=draft, state=Announcement.State.PUBLISHED
        )


def _person(username: str, first: str, last: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user, _ = accounts.user_create(
            actor=SYSTEM,
            username=username,
            email=f"{username}@alderfalls.example",
            first_name=first,
            last_name=last,
        )
    return user


def _people(organizations: dict[str, Organization]) -> None:
    """The coordinator, each department's steward and approver, the records officer as every
    department's privacy officer, and the approval policy the governance policy describes."""
    coordinator = _person(*town.COORDINATOR)
    if not coordinator.is_coordinator:
        accounts.user_set_site_role(actor=SYSTEM, user=coordinator, role="coordinator")
    officer = _person(*town.PRIVACY_OFFICER)
    roles = [(slug, *person, role) for slug, *person, role in town.DEPARTMENT_ROLES]
    roles += [(slug, *town.PRIVACY_OFFICER, "privacy") for slug in organizations]
    for slug, username, first, last, role in roles:
        user = officer if username == officer.username else _person(username, first, last)
        organization = organizations[slug]
        if not Membership.objects.filter(organization=organization, user=user, role=role).exists():
            accounts.membership_add(actor=SYSTEM, organization=organization, user=user, role=role)
    if not ApprovalPolicy.objects.filter(organization__isnull=True).exists():
        governance.approval_policy_set(actor=SYSTEM, steps=town.APPROVAL_STEPS)


def _pending_submission(organization: Organization) -> None:
    """A steward proposes a change that waits for the department approver's sign-off."""
    spec = town.PENDING
    steward = _person(*spec["steward"])
    dataset = Dataset.objects.get(slug=spec["dataset"])
    workflow.dataset_edit(actor=steward, dataset=dataset, **spec["values"])
    workflow.change_submit(actor=steward, dataset=dataset)


def _signed_policy() -> None:
    """The governance policy, signed by the roles the coordinator named for it."""
    signers = []
    for role, username, first, last in town.POLICY_SIGNATORIES:
        user = _person(username, first, last)
        governance.signatory_set(actor=SYSTEM, kind=Document.Kind.POLICY, role=role, user=user)
        signers.append((user, role))
    policy = governance.document_revise(
        actor=SYSTEM, kind=Document.Kind.POLICY, title=town.POLICY_TITLE, body=town.POLICY
    )
    for user, role in signers:
        governance.document_sign(actor=user, document=policy, role=role)


def _load_dataset(spec: dict[str, Any], organization: Organization, folder: Path) -> None:
    values = dict(spec["values"])
    values["issued"] = date.fromisoformat(values["issued"])
    dataset = catalog.dataset_create(  # the town's catalog as it stands: seeded published
        actor=SYSTEM, organization=organization, state=State.PUBLISHED, **values
    )
    path = GENERATORS[spec["file"]](folder)
    with path.open("rb") as handle:  # a table: it becomes the data table, ingested right away
        created = datastore.version_create(  # the operator's load with --publish, audited so
            actor=SYSTEM,
            dataset=dataset,
            upload=File(handle, name=path.name),
            enqueue=False,
            override=True,
        )
    version = datastore.version_ingest(created.version.pk)
    if version.status != version.Status.READY:
        raise RuntimeError(f"The demo file {path.name} did not ingest: {version.error}")
    if workflow.open_change(dataset) is not None:  # held for its privacy findings
        _privacy_sign_off(dataset, organization)


def _load_draft(spec: dict[str, Any], organization: Organization, folder: Path) -> None:
    """A dataset its department's steward prepared and submitted: it waits for sign-off."""
    values = dict(spec["values"])
    values["issued"] = date.fromisoformat(values["issued"])
    values.pop("featured", None)  # a coordinator features datasets, not their steward
    steward = _person(*town.steward_of(organization.slug))
    dataset = workflow.dataset_create(actor=steward, organization=organization, **values)
    path = GENERATORS[spec["file"]](folder)
    with path.open("rb") as handle:
        created = datastore.version_create(
            actor=steward, dataset=dataset, upload=File(handle, name=path.name), enqueue=False
        )
    version = datastore.version_ingest(created.version.pk)
    if version.status != version.Status.READY:
        raise RuntimeError(f"The demo file {path.name} did not ingest: {version.error}")
    workflow.change_submit(actor=steward, dataset=dataset)


def _privacy_sign_off(dataset: Dataset, organization: Organization) -> None:
    """The records officer accepts the version's privacy findings through the workflow."""
    officer = _person(*town.PRIVACY_OFFICER)
    change = workflow.change_submit(actor=SYSTEM, dataset=dataset)
    workflow.change_approve(
        actor=officer, change=change, revision=change.revision, comment=town.PRIVACY_NOTE
    )
