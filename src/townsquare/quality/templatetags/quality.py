"""The metadata quality badge on a dataset's page: the score for everyone, the suggestions for
those who edit the dataset."""

from __future__ import annotations

from typing import Any

from django import template

from townsquare.catalog.policies import can_edit_dataset
from townsquare.datastore.selectors import published_version
from townsquare.quality import selectors
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
def version_checks(versions: list[Any]) -> dict[int, str]:
    """``{% version_checks versions as checks %}``: each version's checks in a few words, for
    the whole table at once (no query per row); ``{{ checks|words_for:v.pk }}`` reads one."""
    return selectors.version_checks(versions)


@register.filter
def words_for(checks: dict[int, str], pk: int) -> str:
    return checks.get(pk, "")
