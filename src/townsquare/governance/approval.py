"""Who signs a change off: the step that waits, who may sign it, who still can, and where it
stands in words. What a change needs (blocked, held for privacy, reviewed) is decision.py's;
this module only reads it. Pure functions over the database's current state; no writes."""

from __future__ import annotations

from typing import Any

from townsquare.accounts.models import Membership, OrgRole, User
from townsquare.accounts.policies import has_org_role, is_coordinator
from townsquare.core.actors import Actor
from townsquare.governance import decision
from townsquare.governance.models import ApprovalPolicy, Change

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


def may_sign(actor: Actor, change: Change, role: str) -> bool:
    if role == ApprovalPolicy.Role.COORDINATOR:
        return is_coordinator(actor)
    if role == PRIVACY:
        return has_org_role(actor, change.dataset.organization_id, OrgRole.PRIVACY)
    return has_org_role(actor, change.dataset.organization_id, OrgRole.APPROVER)


def is_own(actor: Actor, change: Change) -> bool:
    """Nobody approves their own change, admins included: whoever submitted or edited it."""
    pk = getattr(actor, "pk", None)
    return pk is not None and (pk == change.submitted_by_id or pk in change.contributors)


def current_step(change: Change) -> dict[str, Any] | None:
    """The step that waits: the privacy step while it is due, then the policy's steps."""
    if change.status == Change.Status.IN_REVIEW and decision.privacy_due(change):
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
