"""Quality reports and the quality dashboard over the API."""

from __future__ import annotations

from typing import Any

from ninja import Router

from townsquare.catalog.selectors import dataset_for_view
from townsquare.core.actors import ApiRequest
from townsquare.datastore import selectors as data_selectors
from townsquare.quality import selectors
from townsquare.quality.score import Score

router = Router()


def _score(found: Score) -> dict[str, Any]:
    return {"score": found.score, "suggestions": found.suggestions, "criteria": found.criteria}


@router.get(
    "/datasets/{slug}/versions/{int:version_id}/report",
    summary="A version's validation and privacy findings (check, column, count, severity, "
    "sample; for privacy findings their state), the columns withheld from publication, the "
    "privacy sign-offs, and the dataset's metadata quality score with suggestions",
)
def report(request: ApiRequest, slug: str, version_id: int) -> dict[str, Any]:
    dataset = dataset_for_view(actor=request.auth, slug=slug)
    version = data_selectors.version_for_view(
        actor=request.auth, dataset=dataset, version_id=version_id
    )
    found = selectors.version_report(actor=request.auth, dataset=dataset, version=version)
    return {
        "version": version.pk,
        "number": version.number,
        "status": version.status,
        "checked_at": found.report.created_at if found.report else None,
        "errors": found.report.errors if found.report else 0,
        "warnings": found.report.warnings if found.report else 0,
        "blocks_publication": found.blocks_publication,
        "privacy_sign_off_needed": bool(found.open_privacy),
        "findings": found.findings,
        "withheld": found.withheld,
        "privacy_sign_offs": [
            {
                "by": s.username,
                "at": s.created_at,
                "comment": s.comment,
                "findings": s.findings,
            }
            for s in found.sign_offs
        ],
        **_score(found.score),
    }


@router.get(
    "/quality/datasets",
    summary="The coordinator's quality dashboard: every dataset, worst metadata score first, "
    "with its data's errors, warnings, privacy findings waiting for sign-off, broken links and "
    "lateness (coordinators only)",
)
def quality_dashboard(request: ApiRequest, organization: str = "") -> dict[str, Any]:
    rows = selectors.dashboard(actor=request.auth, organization=organization)
    return {
        "count": len(rows),
        "datasets": [
            {
                "slug": r.dataset.slug,
                "title": r.dataset.title,
                "organization": r.dataset.organization.slug,
                "state": r.dataset.state,
                **_score(r.score),
                "errors": r.errors,
                "warnings": r.warnings,
                "privacy_sign_off_needed": r.privacy_open,
                "broken_links": r.broken_links,
                "late_days": r.late_days,
            }
            for r in rows
        ],
    }
