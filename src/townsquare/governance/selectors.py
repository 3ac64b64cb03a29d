from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from townsquare.accounts.models import Membership, OrgRole, User
from townsquare.accounts.policies import is_coordinator, is_member
from townsquare.accounts.selectors import organization_ids_with_role
from townsquare.catalog.models import Dataset, Organization
from townsquare.core.actors import SYSTEM, Actor
from townsquare.core.errors import NotFound
from townsquare.datastore import diff
from townsquare.datastore.selectors import published_version
from townsquare.governance import approval, decision
from townsquare.governance.models import ApprovalPolicy, Change, Document, Signatory, Signature
from townsquare.governance.workflow import published_value
from townsquare.quality.selectors import version_report


def current_document(kind: str) -> Document | None:
    """The newest version in effect."""
    return (
        Document.objects.filter(kind=kind, effective_at__isnull=False).order_by("-version").first()
    )


def document_versions(kind: str) -> QuerySet[Document]:
    return (
        Document.objects.filter(kind=kind)
        .select_related("created_by")
        .prefetch_related(Prefetch("signatures", queryset=Signature.objects.order_by("signed_at")))
        .order_by("-version")
    )


def document_version(kind: str, version: int) -> Document:
    document = document_versions(kind).filter(version=version).first()
    if document is None:
        raise NotFound(f"There is no version {version} of this document.")
    return document


def signatories(kind: str | None = None) -> QuerySet[Signatory]:
    found = Signatory.objects.select_related("user")
    return found.filter(kind=kind) if kind else found


def awaiting_signature(*, actor: Actor) -> list[tuple[Document, str]]:
    """The newest pending versions that need the actor's signature, with the role."""
    if actor is None or getattr(actor, "pk", None) is None:
        return []
    waiting = []
    for kind in Document.Kind.values:
        newest = document_versions(kind).first()
        if newest is None or newest.effective_at is not None:
            continue
        signed = {s.role for s in newest.signatures.all()}
        for needed in newest.required:
            if needed["user_id"] == actor.pk and needed["role"] not in signed:
                if newest.created_by_id != actor.pk:
                    waiting.append((newest, needed["role"]))
    return waiting


# --- The workflow -------------------------------------------------------------------------


def inbox(*, actor: Actor) -> list[Change]:
    """What waits for the actor's sign-off, oldest first."""
    waiting = (
        Change.objects.filter(status=Change.Status.IN_REVIEW)
        .select_related("dataset", "dataset__organization", "submitted_by")
        .prefetch_related("sign_offs")
        .order_by("submitted_at", "pk")
    )
    mine = []
    for change in waiting:
        step = approval.current_step(change)
        if step is None or approval.is_own(actor, change):
            continue
        if not approval.may_sign(actor, change, step["role"]):
            continue
        if any(s.user_id == actor.pk for s in approval.valid_sign_offs(change)):
            continue
        mine.append(change)
    return mine


@dataclass(frozen=True)
class Standing:
    """A change in a list, with where it stands computed here, not by the template per row."""

    change: Change
    waiting: str  # "step 1 of 2: the sign-off of an approver" ("" unless in review)
    stuck: str  # why nobody can carry its step on ("" when enough people may)


def standings(changes: Iterable[Change]) -> list[Standing]:
    rows = []
    for change in changes:
        reviewed = change.status == Change.Status.IN_REVIEW
        rows.append(
            Standing(
                change,
                approval.waiting_for(change) if reviewed else "",
                (approval.missing_signers(change) or "") if reviewed else "",
            )
        )
    return rows


def submissions(*, actor: Actor) -> QuerySet[Change]:
    """Changes of the datasets the actor publishes (every one for coordinators), newest first."""
    found = Change.objects.select_related("dataset", "submitted_by").prefetch_related("sign_offs")
    if not is_coordinator(actor):
        organizations = organization_ids_with_role(user=actor, roles=(OrgRole.STEWARD,))
        found = found.filter(dataset__organization_id__in=organizations)
    return found.order_by("-updated_at", "-pk")


def change_for_view(*, actor: Actor, change_id: int) -> Change:
    """Members of the dataset's organization and coordinators see its changes."""
    change = (
        Change.objects.select_related("dataset", "dataset__organization", "submitted_by")
        .prefetch_related("sign_offs")
        .filter(pk=change_id)
        .first()
    )
    if change is None or not (
        is_coordinator(actor) or is_member(actor, change.dataset.organization_id)
    ):
        raise NotFound(f"There is no change {change_id}.")
    return change


@dataclass
class FieldChange:
    name: str
    label: str
    published: Any
    proposed: Any


def review(change: Change) -> dict[str, Any]:
    """Everything a reviewer needs: the metadata field by field, the data's changes, the
    sign-offs so far and the step that waits."""
    dataset = change.dataset
    data, quality = None, None
    if change.data_version is not None:
        # Once published, the diff is with the version its publication replaced.
        before = (
            change.replaced_version
            if change.status == Change.Status.PUBLISHED
            else published_version(dataset)
        )
        data = diff.compare(before, change.data_version)
    checked = change.data_version or decision.data_made_public(change)
    if checked is not None:  # only members and coordinators see a change: with its samples
        quality = version_report(actor=SYSTEM, dataset=dataset, version=checked)
    step = approval.current_step(change)
    files = {
        d.pk: d
        for d in dataset.distributions.filter(pk__in=change.files_added + change.files_removed)
    }
    return {
        "metadata_changes": _metadata_changes(change),
        "data": data,
        "quality": quality,
        "files_added": [files[pk] for pk in change.files_added if pk in files],
        "files_removed": [files[pk] for pk in change.files_removed if pk in files],
        "sign_offs": list(change.sign_offs.all()),
        "valid": {s.pk for s in approval.valid_sign_offs(change)},
        "step": step,
        "step_number": change.step + 1,
        "missing": approval.missing_signers(change),
        "withheld": [
            f"{name} ({WITHHELD_WORDS.get(kind, kind)})"
            for name, kind in (change.data_version.withheld if change.data_version else {}).items()
        ],
    }


WITHHELD_WORDS = {"exclude": "excluded", "mask": "masked", "coarsen": "coarsened"}


def _metadata_changes(change: Change) -> list[FieldChange]:
    """The change's metadata, field by field, beside what is published."""
    return [
        FieldChange(
            name,
            str("Publisher" if name == "organization" else _field_label(name)).capitalize(),
            published_value(change.dataset, name),
            proposed,
        )
        for name, proposed in change.metadata.items()
    ]


def organizations_and_policies() -> list[tuple[Any, bool]]:
    own = set(
        ApprovalPolicy.objects.filter(organization__isnull=False).values_list(
            "organization_id", flat=True
        )
    )
    return [(org, org.pk in own) for org in Organization.objects.order_by("name")]


@dataclass
class RoleNeed:
    role: str
    label: str
    needed: int
    have: int
    why: str

    @property
    def ready(self) -> bool:
        return self.have >= self.needed


def role_readiness(*, organization: Any) -> list[RoleNeed]:
    """The roles the organization's approval policy and gates need, and how many hold each:
    stewards publish, approvers and coordinators sign the policy's steps, a privacy officer
    signs off personal data. A change whose step nobody holds cannot be published."""
    held = _members_by_role(organization)
    needs = [
        RoleNeed("steward", "Stewards", 1, held[OrgRole.STEWARD], "publish and update datasets"),
        RoleNeed(
            "privacy",
            "Privacy officers",
            1,
            held[OrgRole.PRIVACY],
            "sign off data in which the privacy scan found personal data",
        ),
    ]
    signers = _signers_needed(organization)
    if signers["approver"]:
        count = signers["approver"]
        why = f"sign off changes ({approval.role_name('approver', count)} per change, by the"
        needs.append(
            RoleNeed(
                "approver", "Approvers", count, held[OrgRole.APPROVER], f"{why} approval policy)"
            )
        )
    if signers["coordinator"]:
        needs.append(
            RoleNeed(
                "coordinator",
                "Coordinators (site role)",
                signers["coordinator"],
                _coordinator_count(),
                "sign off changes, by the approval policy",
            )
        )
    return needs


def _members_by_role(organization: Any) -> dict[str, int]:
    return {
        role: Membership.objects.filter(
            organization=organization, role=role, user__is_active=True
        ).count()
        for role in (OrgRole.STEWARD, OrgRole.APPROVER, OrgRole.PRIVACY)
    }


def _signers_needed(organization: Any) -> dict[str, int]:
    """The most sign-offs any step of the approval policy asks of each role."""
    counts = {"approver": 0, "coordinator": 0}
    for step in decision.approval_policy_for(organization.pk).steps:
        counts[step["role"]] = max(counts.get(step["role"], 0), int(step["count"]))
    return counts


def _coordinator_count() -> int:
    found = User.objects.filter(is_active=True, is_coordinator=True) | User.objects.filter(
        is_active=True, is_superuser=True
    )
    return found.distinct().count()


def stuck_changes(*, organization: Any = None) -> list[tuple[Change, str]]:
    """Changes in review whose waiting step too few people may sign, with what is missing."""
    found = Change.objects.filter(status=Change.Status.IN_REVIEW).select_related(
        "dataset", "dataset__organization", "submitted_by"
    )
    if organization is not None:
        found = found.filter(dataset__organization=organization)
    stuck = []
    for change in found.prefetch_related("sign_offs"):
        missing = approval.missing_signers(change)
        if missing:
            stuck.append((change, missing))
    return stuck


def _field_label(name: str) -> str:
    field = Dataset._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))
