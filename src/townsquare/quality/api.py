"""Quality reports over the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from townsquare.catalog.selectors import dataset_for_view
from townsquare.datastore import policies as data_policies
from townsquare.datastore import selectors as data_selectors
from townsquare.datastore.models import DataVersion
from townsquare.quality import services
from townsquare.quality.score import score

router = Router()


@router.get(
    "/datasets/{slug}/versions/{int:version_id}/report",
    summary="A version's validation findings (check, column, count, severity, sample) and the "
    "dataset's metadata quality score with suggestions",
)
def report(request: HttpRequest, slug: str, version_id: int) -> dict[str, Any]:
    dataset = dataset_for_view(actor=request.auth, slug=slug)
    version = data_selectors.version_for_view(
        actor=request.auth, dataset=dataset, version_id=version_id
    )
    found = services.report_of(version)
    if found is None and version.status == DataVersion.Status.READY:
        found = services.check_version(version)  # versions loaded before checks existed
    with_data = data_policies.can_read_data(request.auth, dataset)
    findings = []
    for finding in found.findings if found else []:
        shown = dict(finding)
        if not with_data:
            shown["sample"] = [{"row": s["row"]} for s in finding.get("sample", [])]
        findings.append(shown)
    metadata = score(
        dataset, version.fields if version.status == DataVersion.Status.READY else None
    )
    return {
        "version": version.pk,
        "number": version.number,
        "status": version.status,
        "checked_at": found.created_at if found else None,
        "errors": found.errors if found else 0,
        "warnings": found.warnings if found else 0,
        "blocks_publication": bool(found and found.blocks_publication),
        "findings": findings,
        "score": metadata.score,
        "suggestions": metadata.suggestions,
        "criteria": metadata.criteria,
    }
