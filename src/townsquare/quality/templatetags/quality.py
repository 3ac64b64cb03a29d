"""The metadata quality badge on a dataset's page: the score for everyone, the suggestions for
those who edit the dataset."""

from __future__ import annotations

from typing import Any

from django import template

from townsquare.catalog.policies import can_edit_dataset
from townsquare.datastore.selectors import published_version
from townsquare.quality.score import score

register = template.Library()


@register.inclusion_tag("quality/_badge.html", takes_context=True)
def quality_badge(context: template.Context, dataset: Any) -> dict[str, Any]:
    version = published_version(dataset)
    found = score(dataset, version.fields if version else None)
    level = "good" if found.score >= 80 else "fair" if found.score >= 50 else "poor"
    return {
        "score": found,
        "level": level,
        "suggestions": found.suggestions
        if can_edit_dataset(context["request"].user, dataset)
        else [],
    }


@register.simple_tag
def version_checks(version: Any) -> str:
    """What a version's checks found, in a few words (for the versions table)."""
    from townsquare.quality import gate
    from townsquare.quality.models import Report

    report = Report.objects.filter(version=version).first()
    if report is None:
        return ""
    words = []
    if report.errors:
        words.append(f"{report.errors} error{'s' if report.errors != 1 else ''}")
    if report.warnings:
        words.append(f"{report.warnings} warning{'s' if report.warnings != 1 else ''}")
    waiting = len(gate.open_findings(version))
    if waiting:
        words.append(f"{waiting} privacy finding{'s' if waiting != 1 else ''} to sign off")
    return ", ".join(words) or "no findings"
