"""Freshness and the scheduled jobs over the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from ninja import Router, Schema

from townsquare.catalog import freshness
from townsquare.core.actors import ApiRequest
from townsquare.core.errors import PermissionDenied
from townsquare.upkeep import policies, selectors, services

router = Router()


class FreshnessRow(Schema):
    slug: str
    title: str
    organization: str
    accrual_periodicity: str
    state: str
    label: str
    due_at: datetime | None
    days_late: int


class JobOut(Schema):
    name: str
    title: str
    period: str
    next_run_at: datetime | None
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_status: str
    last_result: str
    last_error: str
    runs: int
    failures: int


@router.get(
    "/freshness",
    response=list[FreshnessRow],
    summary="Datasets with a schedule, latest first (coordinators, stewards, approvers)",
)
def freshness_list(request: ApiRequest, state: str = "") -> list[dict[str, Any]]:
    if not policies.can_see_freshness(request.auth):
        raise PermissionDenied("Freshness is for coordinators and the departments' stewards.")
    now = timezone.now()
    return [
        {
            "slug": row.dataset.slug,
            "title": row.dataset.title,
            "organization": department.slug,
            "accrual_periodicity": row.dataset.accrual_periodicity,
            **freshness.described(row.dataset.freshness, row.dataset.update_due_at, now),
        }
        for department in selectors.dashboard(actor=request.auth, state=state, now=now)
        for row in department.rows
    ]


def _job_out(row: selectors.JobRow) -> dict[str, Any]:
    job = row.job
    return {
        "name": job.name,
        "title": row.title,
        "period": row.period,
        "next_run_at": job.next_run_at,
        "last_started_at": job.last_started_at,
        "last_finished_at": job.last_finished_at,
        "last_status": job.last_status,
        "last_result": job.last_result,
        "last_error": job.last_error,
        "runs": job.runs,
        "failures": job.failures,
    }


@router.get("/jobs", response=list[JobOut], summary="The scheduled jobs (staff)")
def jobs_list(request: ApiRequest) -> list[dict[str, Any]]:
    if not policies.can_see_jobs(request.auth):
        raise PermissionDenied("The scheduled jobs are for coordinators and admins.")
    return [_job_out(row) for row in selectors.jobs()]


@router.post("/jobs/{name}/run", response=JobOut, summary="Run a job at the workers' next look")
def job_run(request: ApiRequest, name: str) -> dict[str, Any]:
    services.job_run_soon(actor=request.auth, name=name)
    return next(_job_out(row) for row in selectors.jobs() if row.job.name == name)
