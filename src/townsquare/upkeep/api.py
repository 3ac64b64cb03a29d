"""Freshness, the scheduled jobs, and a dataset's source and refreshes over the API."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, Literal

from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from townsquare.catalog import freshness
from townsquare.catalog.models import Dataset
from townsquare.catalog.selectors import dataset_for_edit
from townsquare.core.actors import ApiRequest
from townsquare.core.errors import NotFound, PermissionDenied
from townsquare.datastore import policies as datastore_policies
from townsquare.upkeep import policies, schedules, selectors, services, sources
from townsquare.upkeep.models import RefreshRun, Source

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


class SourceIn(Schema):
    kind: Literal["url", "arcgis"] = "url"
    url: str
    schedule: Literal["hours", "daily", "weekly"] = "daily"
    every_hours: int = Field(24, description="For `hours`: 1–744.")
    at: time | None = Field(None, description="For `daily` and `weekly`, in the site's time zone.")
    weekday: int = Field(0, description="For `weekly`: 0 (Monday) to 6 (Sunday).")
    options: dict[str, str] = Field(default_factory=dict, description="Reader options (format…).")


class SourceOut(Schema):
    kind: str
    url: str
    schedule: str
    every_hours: int
    at: time | None
    weekday: int
    period: str
    options: dict[str, Any]
    next_run_at: datetime
    failures: int
    paused: bool
    paused_reason: str


class RunOut(Schema):
    id: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    http_status: int | None
    bytes: int | None
    changed: bool | None
    version: int | None = Field(description="The version number the refresh made, if any.")
    reason: str
    error: str


def _source_out(source: Source) -> dict[str, Any]:
    return {
        **{
            name: getattr(source, name)
            for name in (
                "kind",
                "url",
                "schedule",
                "every_hours",
                "at",
                "weekday",
                "options",
                "next_run_at",
                "failures",
                "paused",
                "paused_reason",
            )
        },
        "period": str(schedules.period_of(source)),
    }


def _run_out(run: RefreshRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "status": run.status,
        "http_status": run.http_status,
        "bytes": run.bytes,
        "changed": run.changed,
        "version": run.version.number if run.version else None,
        "reason": run.reason,
        "error": run.error,
    }


def _loadable(request: ApiRequest, slug: str) -> Dataset:
    dataset = dataset_for_edit(actor=request.auth, slug=slug)
    if not datastore_policies.can_ingest(request.auth, dataset):
        raise PermissionDenied("Only the organization's stewards and coordinators load data.")
    return dataset


def _source_of(dataset: Dataset) -> Source:
    source = Source.objects.filter(dataset=dataset).first()
    if source is None:
        raise NotFound("This dataset has no source to refresh from.")
    return source


@router.get("/datasets/{slug}/source", response=SourceOut, summary="The dataset's source")
def source_get(request: ApiRequest, slug: str) -> dict[str, Any]:
    return _source_out(_source_of(_loadable(request, slug)))


@router.put("/datasets/{slug}/source", response=SourceOut, summary="Set or change the source")
def source_put(request: ApiRequest, slug: str, body: SourceIn) -> dict[str, Any]:
    dataset = _loadable(request, slug)
    return _source_out(sources.source_set(actor=request.auth, dataset=dataset, **body.dict()))


@router.delete("/datasets/{slug}/source", response={204: None}, summary="Remove the source")
def source_delete(request: ApiRequest, slug: str) -> Status[None]:
    sources.source_remove(actor=request.auth, dataset=_loadable(request, slug))
    return Status(204, None)


@router.post("/datasets/{slug}/source/refresh", response={202: RunOut}, summary="Refresh now")
def source_refresh(request: ApiRequest, slug: str) -> Status[dict[str, Any]]:
    run = sources.refresh_now(actor=request.auth, dataset=_loadable(request, slug))
    return Status(202, _run_out(run))


@router.post("/datasets/{slug}/source/resume", response=SourceOut, summary="Resume after a pause")
def source_resume(request: ApiRequest, slug: str) -> dict[str, Any]:
    dataset = _loadable(request, slug)
    return _source_out(sources.source_resume(actor=request.auth, dataset=dataset))


@router.get(
    "/datasets/{slug}/refreshes", response=list[RunOut], summary="The refresh history, newest first"
)
def refreshes(request: ApiRequest, slug: str) -> list[dict[str, Any]]:
    return [_run_out(run) for run in sources.history(_loadable(request, slug))]
