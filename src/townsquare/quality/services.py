"""Checking a data version (checking.py: validation and the privacy scan, saved as its report),
a privacy officer's acceptance of the privacy findings, and re-checking a dataset's links."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from townsquare.audit import services as audit
from townsquare.core.actors import Actor
from townsquare.datastore.models import DataVersion
from townsquare.quality import gate
from townsquare.quality.checking import version_check as version_check
from townsquare.quality.models import PrivacySignOff, Report
from townsquare.quality.tasks import check_links


def report_of(version: DataVersion) -> Report | None:
    return Report.objects.filter(version=version).first()


def privacy_accept(*, actor: Actor, version: DataVersion, comment: str = "") -> PrivacySignOff:
    """Record that ``actor`` (a privacy officer: the workflow checked) accepts the version's
    open privacy findings for publication; the findings accepted go into the audit trail."""
    findings = [_accepted(f) for f in gate.open_findings(version)]
    sign_off = PrivacySignOff.objects.create(
        version=version,
        findings=findings,
        user=actor,
        username=actor.get_username(),
        comment=comment.strip(),
    )
    audit.record(
        actor,
        "privacy.accepted",
        version,
        after={"version": version.number, "findings": findings, "comment": comment.strip()},
    )
    return sign_off


def _accepted(finding: dict[str, Any]) -> dict[str, Any]:
    return {k: finding[k] for k in ("check", "column", "count", "confidence") if k in finding}


def links_recheck(dataset_id: int) -> None:
    """Check the dataset's links again, in the worker, once this transaction commits."""
    if not settings.QUALITY_CHECK_LINKS:
        return
    transaction.on_commit(lambda: check_links.enqueue(dataset_id=dataset_id))
