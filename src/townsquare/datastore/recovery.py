"""Ingests whose worker died: each running ingest beats every few seconds; one silent for
longer than TOWNSQUARE_DATASTORE_STALLED_SECONDS is noticed by the workers' watchdog, retried
once, and then marked failed with the reason. Nobody has to run anything."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from townsquare.audit import services as audit
from townsquare.core import watchdogs
from townsquare.core.actors import SYSTEM
from townsquare.datastore.models import DataVersion
from townsquare.datastore.tasks import ingest_version

RETRIES = 1


def recover_stalled() -> dict[str, int]:
    """Retry once each ingest whose heartbeat stopped, then fail it with the reason. Several
    workers may look at once: one conditional update decides which of them acts."""
    cutoff = timezone.now() - timedelta(seconds=settings.DATASTORE_STALLED_SECONDS)
    stalled = DataVersion.objects.filter(
        status=DataVersion.Status.INGESTING, heartbeat_at__lt=cutoff
    ).values_list("pk", "attempts", "phase")
    done = {"retried": 0, "failed": 0}
    for pk, attempts, phase in list(stalled):
        with transaction.atomic():
            if attempts <= RETRIES:
                if _take(pk, cutoff, status=DataVersion.Status.QUEUED, phase="queued again"):
                    version = DataVersion.objects.get(pk=pk)
                    audit.record(
                        SYSTEM, "data_version.retried", version, after={"stopped_at": phase}
                    )
                    _enqueue(pk)
                    done["retried"] += 1
            elif _take(
                pk,
                cutoff,
                status=DataVersion.Status.FAILED,
                phase="failed",
                finished_at=timezone.now(),
                error=(
                    f"The worker ingesting this file stopped {attempts} times (while {phase}) "
                    "and the ingest was given up. The file may need more memory than the "
                    "worker has (TOWNSQUARE_DATASTORE_MEMORY_LIMIT), or the worker was stopped: "
                    "load it again, or ask the operator."
                ),
            ):
                version = DataVersion.objects.get(pk=pk)
                audit.record(
                    SYSTEM, "data_version.failed", version, after={"reason": version.error}
                )
                done["failed"] += 1
    return done


def _take(pk: int, cutoff: object, **changes: object) -> bool:
    return bool(
        DataVersion.objects.filter(
            pk=pk, status=DataVersion.Status.INGESTING, heartbeat_at__lt=cutoff
        ).update(**changes)
    )


def _enqueue(pk: int) -> None:
    transaction.on_commit(lambda: ingest_version.enqueue(version_id=pk))


watchdogs.register(recover_stalled)  # every worker runs it (core.watchdogs)
