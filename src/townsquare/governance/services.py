"""Writing the program's documents: new versions, signatures, and the signatory roles."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.audit import services as audit
from townsquare.catalog.models import Organization
from townsquare.core.actors import Actor, user_or_none
from townsquare.core.errors import Conflict, PermissionDenied
from townsquare.governance import decision, policies
from townsquare.governance.models import ApprovalPolicy, Document, Signatory, Signature


def _check_kind(kind: str) -> None:
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(Document.Kind.values)}."})


@transaction.atomic
def document_revise(*, actor: Actor, kind: str, title: str, body: str) -> Document:
    """Record a new version. It takes effect once every signatory role named for its kind has
    signed it, or at once when none is named."""
    _check_kind(kind)
    if not policies.can_edit_documents(actor):
        raise PermissionDenied(
            "Only coordinators and admins edit the program's documents.",
            attempt="document.revise",
        )
    latest = Document.objects.select_for_update().filter(kind=kind).aggregate(v=Max("version"))["v"]
    required = [
        {"role": s.role, "user_id": s.user_id, "username": s.user.username}
        for s in Signatory.objects.filter(kind=kind).select_related("user")
    ]
    document = Document(
        kind=kind,
        version=(latest or 0) + 1,
        title=title.strip(),
        body=body.strip(),
        created_by=user_or_none(actor),
        required=required,
        effective_at=None if required else timezone.now(),
    )
    document.full_clean()
    document.save()
    audit.record(
        actor,
        "document.revised",
        document,
        after={"kind": kind, "version": document.version, "signers": [r["role"] for r in required]},
    )
    if document.effective_at:
        audit.record(actor, "document.took_effect", document, after={"version": document.version})
    return document


@transaction.atomic
def document_sign(*, actor: Actor, document: Document, role: str) -> Signature:
    """Sign a version as one of the roles it needs. Nobody signs their own version."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    needed = next((r for r in document.required if r["role"] == role), None)

    def refuse(error: type[PermissionDenied] | type[Conflict], message: str) -> None:
        raise error(message, attempt="document.sign", target=document)

    if needed is None:
        refuse(PermissionDenied, f"{document} does not need a signature as {role!r}.")
    elif needed["user_id"] != getattr(actor, "pk", None):
        refuse(PermissionDenied, f"Only {needed['username']} signs as {role}.")
    elif document.created_by_id is not None and document.created_by_id == actor.pk:
        refuse(PermissionDenied, "Nobody signs their own version; another signatory must.")
    elif document.signatures.filter(role=role).exists():
        refuse(Conflict, f"{document} is already signed as {role}.")
    elif document.effective_at is not None:
        refuse(Conflict, f"{document} is already in effect.")
    elif Document.objects.filter(kind=document.kind, version__gt=document.version).exists():
        refuse(Conflict, f"{document} was replaced by a newer version; sign that one instead.")
    signature = Signature.objects.create(
        document=document, role=role, user=actor, signer=actor.get_username()
    )
    audit.record(actor, "document.signed", document, after={"role": role})
    if document.signatures.count() == len(document.required):
        document.effective_at = timezone.now()
        document.save(update_fields=["effective_at"])
        audit.record(actor, "document.took_effect", document, after={"version": document.version})
    return signature


@transaction.atomic
def signatory_set(*, actor: Actor, kind: str, role: str, user: User) -> Signatory:
    """Name (or hand over) a role whose holder signs new versions of this kind."""
    _check_kind(kind)
    if not policies.can_edit_documents(actor):
        raise PermissionDenied(
            "Only coordinators and admins name signatories.", attempt="document.signatories"
        )
    role = role.strip()
    if not role:
        raise ValidationError({"role": "Name the role, for example Chief Information Officer."})
    if not user.is_active:
        raise ValidationError({"user": "This account is deactivated."})
    existing = Signatory.objects.filter(kind=kind, role=role).select_related("user").first()
    before = {"role": role, "username": existing.user.username} if existing else None
    signatory, _ = Signatory.objects.update_or_create(kind=kind, role=role, defaults={"user": user})
    audit.record(
        actor,
        "document.signatories_changed",
        before=before,
        after={"kind": kind, "role": role, "username": user.username},
    )
    return signatory


@transaction.atomic
def signatory_remove(*, actor: Actor, signatory: Signatory) -> None:
    if not policies.can_edit_documents(actor):
        raise PermissionDenied(
            "Only coordinators and admins name signatories.", attempt="document.signatories"
        )
    audit.record(
        actor,
        "document.signatories_changed",
        before={
            "kind": signatory.kind,
            "role": signatory.role,
            "username": signatory.user.username,
        },
    )
    signatory.delete()


POLICY_FIELDS = (
    "review_new_dataset",
    "review_metadata_edit",
    "review_data_version",
    "auto_publish_refresh",
    "steps",
)


def _policy_values(policy: ApprovalPolicy) -> dict[str, Any]:
    return {name: getattr(policy, name) for name in POLICY_FIELDS}


@transaction.atomic
def approval_policy_set(
    *, actor: Actor, organization: Organization | None = None, **values: Any
) -> ApprovalPolicy:
    """Set the site-wide policy (no organization) or an organization's own."""
    if not policies.can_change_approval_policy(actor):
        raise PermissionDenied(
            "Only coordinators and admins change approval policies.", attempt="policy.change"
        )
    unknown = sorted(set(values) - set(POLICY_FIELDS))
    if unknown:
        raise ValidationError({name: "This field is unknown." for name in unknown})
    if "steps" in values:
        values["steps"] = decision.check_steps(values["steps"])
    if organization is None:
        policy = ApprovalPolicy.objects.filter(organization__isnull=True).first()
    else:
        policy = ApprovalPolicy.objects.filter(organization=organization).first()
    created = policy is None
    if policy is None:
        base = decision.approval_policy_for(None) if organization is not None else ApprovalPolicy()
        policy = ApprovalPolicy(organization=organization, **_policy_values(base))
    before = None if created else _policy_values(policy)
    for name, value in values.items():
        setattr(policy, name, value)
    policy.updated_at, policy.updated_by = timezone.now(), user_or_none(actor)
    policy.full_clean(validate_constraints=False)
    policy.save()
    audit.record(
        actor,
        "policy.changed",
        organization,
        before=before,
        after=_policy_values(policy),
        organization_id=organization.pk if organization else None,
    )
    return policy


@transaction.atomic
def approval_policy_remove(*, actor: Actor, organization: Organization) -> None:
    """The organization follows the site-wide policy again."""
    if not policies.can_change_approval_policy(actor):
        raise PermissionDenied(
            "Only coordinators and admins change approval policies.", attempt="policy.change"
        )
    policy = ApprovalPolicy.objects.filter(organization=organization).first()
    if policy is not None:
        audit.record(
            actor, "policy.changed", organization, before=_policy_values(policy), after=None
        )
        policy.delete()
