"""The freshness dashboard and the scheduler's jobs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from townsquare.catalog import freshness
from townsquare.core.errors import PermissionDenied
from townsquare.core.views import domain_errors
from townsquare.upkeep import policies, selectors, services


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
