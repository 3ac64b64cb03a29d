"""The workflow over the API: working copies, submitting, the inbox, decisions, policies."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from townsquare.catalog import access
from townsquare.catalog import selectors as catalog_selectors
from townsquare.catalog.selectors import dataset_for_edit, dataset_for_view, organization_by_slug
from townsquare.core.actors import ApiRequest
from townsquare.core.errors import NotFound
from townsquare.governance import decision, selectors, services, workflow
from townsquare.governance.models import ApprovalPolicy, Change

router = Router()


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    revision: int = Field(description="The working copy's revision you reviewed.")
    comment: str = ""


class PolicyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    review_new_dataset: bool | None = None
    review_metadata_edit: bool | None = None
    review_data_version: bool | None = None
    auto_publish_refresh: bool | None = None
    steps: list[dict[str, Any]] | None = Field(
        None, description='In order, e.g. [{"role": "approver", "count": 1}].'
    )


def change_out(change: Change) -> dict[str, Any]:
    review = selectors.review(change)
    return {
        "id": change.pk,
        "dataset": change.dataset.slug,
        "status": change.status,
        "new_dataset": change.new_dataset,
        "reasons": change.reasons,
        "revision": change.revision,
        "steps": change.steps,
        "step": change.step + 1 if change.status == "in_review" else None,
        "waiting_for": (review["step"] or {}).get("role") if change.status == "in_review" else None,
        "stuck": review["missing"],
        "privacy_findings": [
            {k: f[k] for k in ("check", "column", "count", "confidence", "state") if k in f}
            for f in (review["quality"].findings if review["quality"] else [])
            if f.get("severity") == "privacy"
        ],
        "submitted_by": change.submitted_by.username if change.submitted_by else None,
        "submitted_at": change.submitted_at,
        "metadata": [
            {"field": f.name, "published": f.published, "proposed": f.proposed}
            for f in review["metadata_changes"]
        ],
        "data_version": change.data_version.number if change.data_version else None,
        "files_added": [d.title for d in review["files_added"]],
        "files_removed": [d.title for d in review["files_removed"]],
        "data": review["data"],
        "sign_offs": [_sign_off_out(s, review["valid"]) for s in review["sign_offs"]],
    }


def _sign_off_out(sign_off: Any, valid: set[int]) -> dict[str, Any]:
    return {
        "username": sign_off.username,
        "role": sign_off.role,
        "step": sign_off.step + 1,
        "decision": sign_off.decision,
        "comment": sign_off.comment,
        "at": sign_off.at,
        "counts": sign_off.pk in valid or sign_off.decision == "reject",
    }


def policy_out(policy: ApprovalPolicy) -> dict[str, Any]:
    values = {name: getattr(policy, name) for name in services.POLICY_FIELDS}
    return {"organization": policy.organization.slug if policy.organization else None, **values}


@router.get("/datasets/{slug}/working-copy", summary="The dataset's open change, if any")
def working_copy(request: ApiRequest, slug: str) -> dict[str, Any]:
    dataset = dataset_for_edit(actor=request.auth, slug=slug)
    change = workflow.open_change(dataset)
    return {
        "edit_token": workflow.edit_token(dataset, change),
        "state": dataset.state,
        "change": change_out(change) if change else None,
    }


@router.post("/datasets/{slug}/submit", summary="Send the working copy (or a draft) to review")
def submit(request: ApiRequest, slug: str) -> dict[str, Any]:
    dataset = dataset_for_view(actor=request.auth, slug=slug)
    return change_out(workflow.change_submit(actor=request.auth, dataset=dataset))


@router.get("/reviews", summary="What waits for your sign-off, oldest first")
def inbox(request: ApiRequest) -> list[dict[str, Any]]:
    return [change_out(change) for change in selectors.inbox(actor=request.auth)]


@router.get("/changes/{int:change_id}", summary="A change: its diff, sign-offs and status")
def change(request: ApiRequest, change_id: int) -> dict[str, Any]:
    return change_out(selectors.change_for_view(actor=request.auth, change_id=change_id))


@router.post("/changes/{int:change_id}/{decision}", summary="approve, reject or withdraw")
def decide(
    request: ApiRequest,
    change_id: int,
    decision: Literal["approve", "reject", "withdraw"],
    payload: DecisionIn | None = None,
) -> dict[str, Any]:
    found = selectors.change_for_view(actor=request.auth, change_id=change_id)
    if decision == "withdraw":
        return change_out(workflow.change_withdraw(actor=request.auth, change=found))
    if payload is None:
        raise ValidationError(
            {"revision": "Send the revision of the working copy you reviewed (and a comment)."}
        )
    decide_with = workflow.change_approve if decision == "approve" else workflow.change_reject
    decided = decide_with(
        actor=request.auth, change=found, revision=payload.revision, comment=payload.comment
    )
    return change_out(decided)


@router.get("/approval-policy", summary="The site-wide approval policy")
def site_policy(request: ApiRequest) -> dict[str, Any]:
    return policy_out(decision.approval_policy_for(None))


@router.put("/approval-policy", summary="Change the site-wide approval policy (coordinators)")
def set_site_policy(request: ApiRequest, payload: PolicyIn) -> dict[str, Any]:
    values = payload.model_dump(exclude_none=True)
    return policy_out(services.approval_policy_set(actor=request.auth, **values))


@router.get("/organizations/{slug}/approval-policy", summary="The policy an organization follows")
def organization_policy(request: ApiRequest, slug: str) -> dict[str, Any]:
    return policy_out(decision.approval_policy_for(organization_by_slug(slug).pk))


@router.put("/organizations/{slug}/approval-policy", summary="Give an organization its own policy")
def set_organization_policy(request: ApiRequest, slug: str, payload: PolicyIn) -> dict[str, Any]:
    values = payload.model_dump(exclude_none=True)
    organization = organization_by_slug(slug)
    return policy_out(
        services.approval_policy_set(actor=request.auth, organization=organization, **values)
    )


class AccessRequestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str


class AccessDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    comment: str = ""


def grant_out(grant: Any) -> dict[str, Any]:
    return {
        "id": grant.pk,
        "dataset": grant.dataset.slug,
        "user": grant.user.username,
        "reason": grant.reason,
        "status": grant.status,
        "requested_at": grant.requested_at,
        "decided_at": grant.decided_at,
        "comment": grant.comment,
    }


@router.post(
    "/datasets/{slug}/access-requests",
    response={201: Any},
    summary="Ask for access to a restricted public dataset's data",
)
def request_access(
    request: ApiRequest, slug: str, payload: AccessRequestIn
) -> Status[dict[str, Any]]:
    dataset = dataset_for_view(actor=request.auth, slug=slug)
    grant = access.access_request(actor=request.auth, dataset=dataset, reason=payload.reason)
    return Status(201, grant_out(grant))


@router.get("/access-requests", summary="Access requests you decide: waiting and granted")
def access_requests(request: ApiRequest) -> dict[str, list[dict[str, Any]]]:
    found = catalog_selectors.access_requests_to_decide(actor=request.auth)
    return {key: [grant_out(g) for g in grants] for key, grants in found.items()}


@router.post("/access-requests/{int:grant_id}/{decision}", summary="grant, refuse or revoke")
def decide_access(
    request: ApiRequest,
    grant_id: int,
    decision: Literal["grant", "refuse", "revoke"],
    payload: AccessDecisionIn | None = None,
) -> dict[str, Any]:
    found = catalog_selectors.access_requests_to_decide(actor=request.auth)
    grant = next((g for g in found["waiting"] + found["granted"] if g.pk == grant_id), None)
    if grant is None:
        raise NotFound("There is no such access request for you to decide.")
    if decision == "revoke":
        return grant_out(access.access_revoke(actor=request.auth, grant=grant))
    comment = payload.comment if payload else ""
    decided = access.access_decide(
        actor=request.auth, grant=grant, grant_it=decision == "grant", comment=comment
    )
    return grant_out(decided)


@router.post("/datasets/{slug}/archive", summary="Take a published dataset out of public view")
def archive(request: ApiRequest, slug: str) -> dict[str, Any]:
    dataset = dataset_for_edit(actor=request.auth, slug=slug)
    archived = workflow.dataset_archive(actor=request.auth, dataset=dataset)
    return {"slug": archived.slug, "state": archived.state}
