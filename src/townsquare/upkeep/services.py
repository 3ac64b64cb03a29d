"""Writes of the upkeep app that people make (the scheduler's own bookkeeping is scheduler.py)."""

from __future__ import annotations

from townsquare.audit import services as audit
from townsquare.core.actors import Actor
from townsquare.core.errors import NotFound, PermissionDenied
from townsquare.upkeep import policies, scheduler
from townsquare.upkeep.models import Job


def job_run_soon(*, actor: Actor, name: str) -> Job:
    """Staff's "run now": the job runs at the workers' next look (within seconds)."""
    if not policies.can_run_jobs(actor):
        raise PermissionDenied("Only coordinators and admins run scheduled jobs.")
    if name not in scheduler.DEFINITIONS:
        raise NotFound(f"There is no job {name!r}.")
    scheduler.sync_one(name)
    scheduler.run_soon(name)
    job = Job.objects.get(name=name)
    audit.record(actor, "job.run_requested", job, after={"name": name})
    return job
