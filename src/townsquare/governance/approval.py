"""The approval rules, in one place: which policy applies, what needs review, who may sign
which step. Pure functions over the database's current state; no writes."""

from __future__ import annotations

from typing import Any

from townsquare.accounts.models import Membership, OrgRole, User
from townsquare.accounts.policies import has_org_role, is_coordinator
from townsquare.catalog.models import Dataset, Distribution
from townsquare.catalog.vocabularies import AccessLevel
from townsquare.core.actors import Actor, is_system
from townsquare.datastore.models import PublishedVersion
from townsquare.datastore.selectors import published_version
from townsquare.governance.models import ApprovalPolicy, Change
from townsquare.quality.gate import cleared

# Wider access, higher number: widening always needs review.
OPENNESS = {AccessLevel.NON_PUBLIC: 0, AccessLevel.RESTRICTED: 1, AccessLevel.PUBLIC: 2}
ROLES = {r.value for r in ApprovalPolicy.Role}
# The step every change waits at first while the data it would show outside the organization
# has privacy findings nobody accepted: a privacy officer of the organization signs it.
PRIVACY = "privacy"
PRIVACY_STEP = {"role": PRIVACY, "count": 1}
# What each step's signer is called, in sentences ("waits for a privacy officer").
ROLE_NAMES = {
    ApprovalPolicy.Role.APPROVER: ("an approver", "approvers"),
    ApprovalPolicy.Role.COORDINATOR: ("a coordinator", "coordinators"),
    PRIVACY: ("a privacy officer", "privacy officers"),
}


def role_name(role: str, count: int = 1) -> str:
    one, many = ROLE_NAMES.get(role, (f"a {role}", f"{role}s"))
    return one if count == 1 else f"{count} {many}"


def policy_for(organization_id: int | None) -> ApprovalPolicy:
    """The organization's own policy, else the site-wide one, else the built-in default
    (unsaved): new datasets, metadata edits and data versions need one approver's sign-off."""
    if organization_id is not None:
        own = ApprovalPolicy.objects.filter(organization_id=organization_id).first()
        if own is not None:
            return own
    site = ApprovalPolicy.objects.filter(organization__isnull=True).first()
    return site if site is not None else ApprovalPolicy()


def widens_access(before: str, after: str) -> bool:
    return OPENNESS.get(after, 0) > OPENNESS.get(before, 0)


def edit_reasons(policy: ApprovalPolicy, dataset: Dataset, values: dict[str, Any]) -> list[str]:
    """Why an edit of a published dataset needs review (empty: it may apply at once)."""
    reasons = []
    level = values.get("access_level")
    if level is not None and widens_access(dataset.access_level, level):
        reasons.append("wider access")
    changed = [n for n, v in values.items() if getattr(dataset, n, None) != v]
    if policy.review_metadata_edit and changed:
        reasons.append("metadata edit")
    return reasons


def bypasses_review(actor: Actor) -> bool:
    """The operator at the command line (and the demo loader) publishes directly."""
    return is_system(actor)


def may_sign(actor: Actor, change: Change, role: str) -> bool:
    if role == ApprovalPolicy.Role.COORDINATOR:
        return is_coordinator(actor)
    if role == PRIVACY:
        return has_org_role(actor, change.dataset.organization_id, OrgRole.PRIVACY)
    return has_org_role(actor, change.dataset.organization_id, OrgRole.APPROVER)


def outside_organization(access_level: str) -> bool:
    """Data at this access level is seen outside its organization (restricted: on request)."""
    return OPENNESS.get(access_level, 0) > 0


def data_made_public(change: Change) -> Any:
    """The data version this change would show outside the organization, if any: its new
    version, or the dataset's data when the change first publishes the dataset or opens a
    non-public one."""
    dataset = change.dataset
    level = change.metadata.get("access_level", dataset.access_level)
    if not outside_organization(level):
        return None
    if change.data_version_id:
        return change.data_version
    if change.new_dataset or not outside_organization(dataset.access_level):
        return published_version(dataset)
    return None


def files_made_public(change: Change) -> list[Distribution]:
    """The documents and file links this change would show outside the organization that no
    privacy officer signed off yet: the files it adds, and every file of the dataset when it
    first publishes the dataset or opens a non-public one."""
    dataset = change.dataset
    level = change.metadata.get("access_level", dataset.access_level)
    if not outside_organization(level):
        return []
    found = Distribution.objects.filter(dataset=dataset, privacy=Distribution.Privacy.REQUIRED)
    if not (change.new_dataset or not outside_organization(dataset.access_level)):
        found = found.filter(pk__in=change.files_added)
    removed = set(change.files_removed)
    return [d for d in found.order_by("position", "pk") if d.pk not in removed]


def privacy_due(change: Change) -> bool:
    return not cleared(data_made_public(change)) or bool(files_made_public(change))


def is_own(actor: Actor, change: Change) -> bool:
    """Nobody approves their own change, admins included: whoever submitted or edited it."""
    pk = getattr(actor, "pk", None)
    return pk is not None and (pk == change.submitted_by_id or pk in change.contributors)


def current_step(change: Change) -> dict[str, Any] | None:
    """The step that waits: the privacy step while it is due, then the policy's steps."""
    if change.status == Change.Status.IN_REVIEW and privacy_due(change):
        return PRIVACY_STEP
    return change.steps[change.step] if change.step < len(change.steps) else None


def signers(change: Change) -> list[User]:
    """The active people who may still sign the step that waits (not its submitter or editors,
    nor those who already approved it)."""
    step = current_step(change)
    if step is None:
        return []
    if step["role"] == ApprovalPolicy.Role.COORDINATOR:
        people = User.objects.filter(is_active=True, is_coordinator=True) | User.objects.filter(
            is_active=True, is_superuser=True
        )
    else:
        role = OrgRole.PRIVACY if step["role"] == PRIVACY else OrgRole.APPROVER
        ids = Membership.objects.filter(
            organization_id=change.dataset.organization_id, role=role
        ).values_list("user_id", flat=True)
        people = User.objects.filter(pk__in=ids, is_active=True)
    signed = set() if step["role"] == PRIVACY else {s.user_id for s in valid_sign_offs(change)}
    return [p for p in people.distinct() if not is_own(p, change) and p.pk not in signed]


def waiting_for(change: Change) -> str:
    """Where a change in review stands, in words: "step 1 of 2: the sign-off of an approver"."""
    step = current_step(change)
    if change.status != Change.Status.IN_REVIEW or step is None:
        return ""
    if step["role"] == PRIVACY:
        return "a privacy officer's sign-off of the privacy findings"
    count = step["count"]
    who = role_name(step["role"], count)
    return f"step {change.step + 1} of {len(change.steps)}: the sign-off of {who}"


def missing_signers(change: Change) -> str | None:
    """Why nobody can carry the step that waits to its end, in words that say where to fix it;
    None when enough people may sign it."""
    step = current_step(change)
    if step is None:
        return None
    given = (
        0
        if step["role"] == PRIVACY
        else len([s for s in valid_sign_offs(change) if s.step == change.step])
    )
    needed = step["count"] - given
    available = len(signers(change))
    if available >= needed:
        return None
    where = (
        "the site's People page (a site role)"
        if step["role"] == ApprovalPolicy.Role.COORDINATOR
        else f"the Members page of {change.dataset.organization.name}"
    )
    has = "nobody" if available == 0 else f"only {available}"
    return (
        f"This change waits for {role_name(step['role'], needed)}, and {has} may sign it "
        "(nobody signs their own change). A coordinator must give the role to someone on "
        f"{where}; until then it cannot be published."
    )


def valid_sign_offs(change: Change) -> list[Any]:
    """Approvals given on the change as it is now (an edit after review started resets them).
    A privacy sign-off is not one: it accepts findings, and may come from an approver too."""
    return [
        s
        for s in change.sign_offs.all()
        if s.revision == change.revision and s.decision == "approve" and s.role != PRIVACY
    ]


def check_steps(steps: Any) -> list[dict[str, Any]]:
    """The steps of a policy: a non-empty list of {"role": approver|coordinator, "count": n}."""
    from django.core.exceptions import ValidationError

    if not isinstance(steps, list) or not steps:
        raise ValidationError({"steps": "Name at least one step, for example approver:1."})
    cleaned = []
    for index, step in enumerate(steps, start=1):
        role = step.get("role") if isinstance(step, dict) else None
        count = step.get("count", 1) if isinstance(step, dict) else None
        if role not in ROLES:
            raise ValidationError(
                {"steps": f"Step {index}: the role must be approver or coordinator."}
            )
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 5:
            raise ValidationError({"steps": f"Step {index}: the count must be 1 to 5 sign-offs."})
        cleaned.append({"role": role, "count": count})
    return cleaned


def refresh_checks_pass(version: Any) -> bool:
    """A refresh may publish without review when its table has the published one's columns
    and types, and every value was read (no cast failures, no ragged rows)."""
    published = (
        PublishedVersion.objects.filter(dataset_id=version.dataset_id)
        .select_related("version")
        .first()
    )
    if published is None:
        return False
    shape = [(f["name"], f["type"]) for f in version.fields]
    before = [(f["name"], f["type"]) for f in published.version.fields]
    report = version.report or {}
    return shape == before and not report.get("cast_failures") and not report.get("ragged_rows")
