"""Pages of the workflow: the approver's inbox, the review screen, the steward's submissions,
submitting and withdrawing a working copy, and the approval policies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from townsquare.audit.services import record_refusal
from townsquare.catalog import access
from townsquare.catalog import selectors as catalog_selectors
from townsquare.catalog.selectors import dataset_for_edit, dataset_for_view, organization_by_slug
from townsquare.core.errors import DomainError, PermissionDenied
from townsquare.core.views import domain_errors, run_service
from townsquare.datastore import presenters as data_presenters
from townsquare.datastore.selectors import published_version_id
from townsquare.governance import decision, policies, selectors, services, workflow


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you reject: say what to change.",
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)


class PolicyForm(forms.Form):
    review_new_dataset = forms.BooleanField(required=False, label="New datasets need review")
    review_metadata_edit = forms.BooleanField(
        required=False, label="Metadata edits of published datasets need review"
    )
    review_data_version = forms.BooleanField(
        required=False, label="New data versions of published datasets need review"
    )
    auto_publish_refresh = forms.BooleanField(
        required=False,
        label="A data refresh publishes without review when its checks pass",
        help_text="Same columns and types as the published data, every value read.",
    )
    MAX_STEPS = 3

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, self.MAX_STEPS + 1):
            self.fields[f"step{n}_role"] = forms.ChoiceField(
                label=f"Sign-off {n}: who",
                required=n == 1,
                choices=([] if n == 1 else [("", "No further sign-off")])
                + [
                    ("approver", "Approvers of the dataset's organization"),
                    ("coordinator", "Coordinators"),
                ],
                help_text="Widening a dataset's access level always needs review; a privacy "
                "officer signs off personal data first, whatever this says."
                if n == 1
                else "",
            )
            self.fields[f"step{n}_count"] = forms.TypedChoiceField(
                label=f"Sign-off {n}: how many of them",
                coerce=int,
                choices=[(c, str(c)) for c in range(1, 6)],
                initial=1,
                required=False,
            )

    def clean(self) -> dict[str, object]:
        values = super().clean() or {}
        steps = []
        for n in range(1, self.MAX_STEPS + 1):
            role = values.pop(f"step{n}_role", "")
            count = values.pop(f"step{n}_count", None) or 1
            if role:
                steps.append({"role": role, "count": count})
        values["steps"] = steps
        return values

    @staticmethod
    def initial_for(policy: object) -> dict[str, object]:
        initial = {name: getattr(policy, name) for name in services.POLICY_FIELDS}
        for n, step in enumerate(initial.pop("steps"), start=1):
            initial[f"step{n}_role"], initial[f"step{n}_count"] = step["role"], step["count"]
        return initial


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    waiting = selectors.standings(selectors.inbox(actor=request.user))
    stuck = selectors.stuck_changes() if policies.can_see_stuck_changes(request.user) else []
    return render(request, "governance/inbox.html", {"waiting": waiting, "stuck": stuck})


@login_required
def submitted(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/submissions.html",
        {"changes": selectors.standings(selectors.submissions(actor=request.user)[:100])},
    )


@login_required
@domain_errors
def review(request: HttpRequest, change_id: int) -> HttpResponse:
    change = selectors.change_for_view(actor=request.user, change_id=change_id)
    form = DecisionForm(request.POST or None, initial={"revision": change.revision})
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        decide = (
            workflow.change_approve if values["decision"] == "approve" else workflow.change_reject
        )
        decided = run_service(
            form,
            lambda: decide(
                actor=request.user,
                change=change,
                revision=values["revision"],
                comment=values["comment"],
            ),
        )
        if decided is not None:
            messages.success(
                request, f"Your decision was recorded: {decided.get_status_display()}."
            )
            return redirect("governance:review", change.pk)
        change = selectors.change_for_view(actor=request.user, change_id=change_id)
    can_decide = policies.can_decide_change(request.user, change)
    return render(
        request,
        "governance/review.html",
        {
            "change": change,
            "form": form,
            "can_decide": can_decide,
            "can_withdraw": policies.can_withdraw_change(request.user, change),
            **selectors.review(change),
            **_data_changes(request, change),
        },
    )


def _data_changes(request: HttpRequest, change: Any) -> dict[str, Any]:
    """The row-by-row changes of the change's data version against the published one."""
    version, dataset = change.data_version, change.dataset
    published = published_version_id(dataset)
    if version is None or published is None or published == version.pk:
        return {}
    params = {"against": str(published), **request.GET.dict()}
    return data_presenters.diff_context(request.user, dataset, version, params)


@login_required
@require_POST
@domain_errors
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_for_edit(actor=request.user, slug=slug)
    change = workflow.change_submit(actor=request.user, dataset=dataset)
    messages.success(request, "Submitted for review; the approvers were told.")
    return redirect("governance:review", change.pk)


@login_required
@require_POST
@domain_errors
def withdraw(request: HttpRequest, change_id: int) -> HttpResponse:
    change = selectors.change_for_view(actor=request.user, change_id=change_id)
    workflow.change_withdraw(actor=request.user, change=change)
    messages.success(request, "The working copy was withdrawn; the published copy is unchanged.")
    return redirect("catalog:dataset", change.dataset.slug)


@login_required
@domain_errors
def approval_policy(request: HttpRequest, slug: str = "") -> HttpResponse:
    organization = organization_by_slug(slug) if slug else None
    if not policies.can_change_approval_policy(request.user):
        raise PermissionDenied(
            "Only coordinators and admins change approval policies.",
            attempt="policy.change" if request.method == "POST" else None,
        )
    current = decision.approval_policy_for(organization.pk if organization else None)
    form = PolicyForm(request.POST or None, initial=PolicyForm.initial_for(current))
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.approval_policy_set(
                actor=request.user, organization=organization, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, "The approval policy was saved.")
            return redirect(request.path)
    own = organization is None or current.organization_id == organization.pk
    return render(
        request,
        "governance/approval_policy.html",
        {
            "form": form,
            "organization": organization,
            "own": own,
            "organizations": [] if organization else selectors.organizations_and_policies(),
        },
    )


@login_required
@require_POST
@domain_errors
def approval_policy_remove(request: HttpRequest, slug: str) -> HttpResponse:
    organization = organization_by_slug(slug)
    services.approval_policy_remove(actor=request.user, organization=organization)
    messages.success(request, f"{organization.name} follows the site-wide policy again.")
    return redirect("governance:approval-policy")


class AccessRequestForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What do you need the data for?",
        max_length=2000,
    )


@login_required
@require_POST
@domain_errors
def access_request(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_for_view(actor=request.user, slug=slug)
    form = AccessRequestForm(request.POST)
    if (
        form.is_valid()
        and run_service(
            form,
            lambda: access.access_request(
                actor=request.user, dataset=dataset, reason=form.cleaned_data["reason"]
            ),
        )
        is not None
    ):
        messages.success(request, "Your request was sent; an approver will decide.")
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("catalog:dataset", dataset.slug)


@login_required
def access_requests(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/access_requests.html",
        catalog_selectors.access_requests_to_decide(actor=request.user),
    )


@login_required
@require_POST
@domain_errors
def access_decide(request: HttpRequest, grant_id: int, decision: str) -> HttpResponse:
    found = catalog_selectors.access_requests_to_decide(actor=request.user)
    grant = next((g for g in found["waiting"] + found["granted"] if g.pk == grant_id), None)
    if grant is None:
        raise PermissionDenied(
            "This request is not one you decide.", attempt="access.decide", target=None
        )
    comment = request.POST.get("comment", "")
    try:
        if decision == "revoke":
            access.access_revoke(actor=request.user, grant=grant)
        else:
            access.access_decide(
                actor=request.user, grant=grant, grant_it=decision == "grant", comment=comment
            )
    except DomainError as exc:
        record_refusal(exc)
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Access of {grant.user.username} to {grant.dataset.title}: {decision}ed."
        )
    return redirect("governance:access-requests")


@login_required
@require_POST
@domain_errors
def archive(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_for_edit(actor=request.user, slug=slug)
    workflow.dataset_archive(actor=request.user, dataset=dataset)
    messages.success(request, "Archived: the public no longer sees this dataset.")
    return redirect("catalog:dataset", dataset.slug)
