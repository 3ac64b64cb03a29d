"""The freshness dashboard, the scheduler's jobs, and a dataset's source and its refreshes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from townsquare.catalog import freshness
from townsquare.catalog.selectors import dataset_for_edit
from townsquare.core.errors import NotFound, PermissionDenied
from townsquare.core.views import domain_errors, run_service
from townsquare.datastore import policies as datastore_policies
from townsquare.upkeep import policies, schedules, selectors, services, sources
from townsquare.upkeep.forms import SourceForm
from townsquare.upkeep.models import Source


@login_required
@domain_errors
def freshness_dashboard(request: HttpRequest) -> HttpResponse:
    if not policies.can_see_freshness(request.user):
        raise PermissionDenied(
            "The freshness dashboard is for coordinators and the departments' stewards and "
            "approvers."
        )
    state = request.GET.get("state", "")
    if state not in freshness.State.values:
        state = ""
    departments = selectors.dashboard(actor=request.user, state=state)
    everything = departments if not state else selectors.dashboard(actor=request.user)
    return render(
        request,
        "upkeep/freshness.html",
        {
            "departments": departments,
            "counts": selectors.counts(everything),
            "state": state,
            "now": timezone.now(),
        },
    )


@login_required
@domain_errors
def jobs(request: HttpRequest) -> HttpResponse:
    if not policies.can_see_jobs(request.user):
        raise PermissionDenied("The scheduled jobs are for coordinators and admins.")
    return render(request, "upkeep/jobs.html", {"jobs": selectors.jobs()})


@login_required
@require_POST
@domain_errors
def job_run(request: HttpRequest, name: str) -> HttpResponse:
    job = services.job_run_soon(actor=request.user, name=name)
    messages.success(request, f"“{job.name}” runs at the workers' next look, within seconds.")
    return redirect("upkeep:jobs")


def _dataset(request: HttpRequest, slug: str) -> Any:
    dataset = dataset_for_edit(actor=request.user, slug=slug)
    if not datastore_policies.can_ingest(request.user, dataset):
        raise PermissionDenied("Only the organization's stewards and coordinators load data.")
    return dataset


@login_required
@domain_errors
def source(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _dataset(request, slug)
    current = Source.objects.filter(dataset=dataset).first()
    form = SourceForm.of(current, request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, lambda: sources.source_set(actor=request.user, dataset=dataset, **form.values())
        )
        if saved is not None:
            messages.success(
                request, "The source is saved: the first refresh runs within a minute."
            )
            return redirect("upkeep:source", slug=dataset.slug)
    return render(
        request,
        "upkeep/source.html",
        {
            "dataset": dataset,
            "source": current,
            "period": schedules.period_of(current) if current else None,
            "form": form,
            "runs": sources.history(dataset),
        },
    )


@login_required
@require_POST
@domain_errors
def source_action(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    dataset = _dataset(request, slug)
    if action == "refresh":
        sources.refresh_now(actor=request.user, dataset=dataset)
        messages.success(request, "The refresh is queued: its result appears below.")
    elif action == "resume":
        sources.source_resume(actor=request.user, dataset=dataset)
        messages.success(request, "The schedule is resumed: a refresh runs within a minute.")
    elif action == "remove":
        sources.source_remove(actor=request.user, dataset=dataset)
        messages.success(request, "The source is removed; every version stays.")
        return redirect("catalog:dataset", slug=dataset.slug)
    else:
        raise NotFound("No such action.")
    return redirect("upkeep:source", slug=dataset.slug)
