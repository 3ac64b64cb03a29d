"""Data versions in the workflow: a version that finished ingesting is checked, then published
at once or held in the working copy, as the publication decision says; a ready version can be
put forward again (a rollback)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare.audit import services as audit
from townsquare.catalog.models import Dataset
from townsquare.core.actors import SYSTEM, Actor
from townsquare.datastore import loading
from townsquare.datastore import services as datastore
from townsquare.datastore.models import DataVersion
from townsquare.governance import decision
from townsquare.governance.models import Change
from townsquare.governance.workflow.editing import (
    locked_for_edit,
    open_change,
    record_edit,
    working_copy,
)
from townsquare.quality import services as quality


def version_ready(version: DataVersion) -> None:
    """Called by the datastore when a version finished ingesting: check it, then publish it
    or hold it in the working copy, as the publication decision says."""
    quality.version_check(version)
    _decide(version)


@transaction.atomic
def _decide(version: DataVersion) -> None:
    dataset = Dataset.objects.select_related("organization").get(pk=version.dataset_id)
    version.dataset = dataset  # decided on the dataset as it is now, not as the ingest began
    verdict = decision.data_version(version)
    if verdict.blocked:
        report = quality.report_of(version)
        audit.record(
            SYSTEM,
            "data_version.blocked",
            version,
            after={"errors": verdict.errors, "warnings": report.warnings if report else 0},
        )
        return
    if verdict.at_once:
        _publish_version(SYSTEM, version, verdict)
        _supersede(dataset, version)
        return
    actor = version.created_by or SYSTEM
    change = working_copy(actor, dataset, open_change(dataset, lock=True))
    change.data_version, change.data_put_forward = version, False
    held = {"held": ", ".join(verdict.privacy)} if verdict.privacy else {}
    record_edit(actor, change, {"data_version": version.number, **held})


def _publish_version(actor: Actor, version: DataVersion, verdict: decision.Decision) -> None:
    """Publish a version the decision lets through at once; when the operator's override is
    what spared it the review, that is its own event in the audit trail, by whoever loaded it."""
    if verdict.overridden:
        audit.record(
            version.created_by or SYSTEM,
            "data_version.review_overridden",
            version,
            after={"number": version.number, "by": "townsquare ingest --publish"},
        )
    datastore.version_publish(version, actor)


def _supersede(dataset: Dataset, version: DataVersion) -> None:
    """A newer version was published: an older one waiting in the working copy is dropped
    (and the working copy withdrawn when it held nothing else)."""
    change = open_change(dataset, lock=True)
    if change is None or change.data_version is None:
        return
    if change.data_version.number >= version.number:
        return
    dropped = change.data_version.number
    change.data_version, change.data_put_forward = None, False
    if change.metadata or change.files_added or change.files_removed:
        record_edit(
            SYSTEM, change, {"data_version_dropped": dropped, "superseded_by": version.number}
        )
        return
    change.status, change.decided_at = Change.Status.WITHDRAWN, timezone.now()
    change.save()
    audit.record(
        SYSTEM,
        "change.superseded",
        dataset,
        after={"change": change.pk, "data_version": dropped, "published": version.number},
    )


@transaction.atomic
def version_choose(*, actor: Actor, version: DataVersion) -> Change | None:
    """Put a ready version forward to be published (for example to roll back): published at
    once when no review is needed, else held in the working copy."""
    dataset = locked_for_edit(actor, version.dataset, "data_version.publish", "publish data")
    if version.status != DataVersion.Status.READY:
        raise ValidationError(
            f"Version {version.number} is {version.status}; only a ready version can be published."
        )
    version.dataset = dataset
    decision.ensure_no_errors(version, attempt="data_version.publish")
    verdict = decision.data_version(version, put_forward=True)
    if verdict.at_once:
        _publish_version(actor, version, verdict)
        return None
    change = working_copy(actor, dataset, open_change(dataset, lock=True))
    change.data_version, change.data_put_forward = version, True
    record_edit(actor, change, {"data_version": version.number})
    return change


# The datastore's worker reports each version ready here (datastore.loading.VERSION_READY).
loading.VERSION_READY.append(version_ready)
