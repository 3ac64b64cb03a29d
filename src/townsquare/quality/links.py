"""Are a dataset's links reachable? Each address it points to (landing page, data
dictionary, its files' download and access addresses, their schemas) is asked for its status,
from the worker, with the same refusals as a data download (no private or metadata
addresses unless allowed) and a time limit. Uploaded files are the portal's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from townsquare.catalog.models import Dataset
from townsquare.datastore.errors import IngestError
from townsquare.datastore.readers.url import probe
from townsquare.quality.models import LinkCheck


def addresses(dataset: Dataset) -> list[str]:
    found = [dataset.landing_page, dataset.described_by]
    for distribution in dataset.distributions.filter(pending=False):
        found += [
            distribution.download_url,
            distribution.access_url,
            distribution.conforms_to,
            distribution.described_by,
        ]
    return sorted({url for url in found if url})


def check_dataset(dataset: Dataset) -> list[LinkCheck]:
    """Check every address now; forget checks of addresses the dataset no longer has."""
    urls = addresses(dataset)
    results = [(url, *_status(url)) for url in urls]  # outside any transaction: it is slow
    with transaction.atomic():
        LinkCheck.objects.filter(dataset=dataset).exclude(url__in=urls).delete()
        checks = []
        for url, ok, status, error in results:
            check, _ = LinkCheck.objects.update_or_create(
                dataset=dataset,
                url=url,
                defaults={
                    "ok": ok,
                    "status": status,
                    "error": error[:300],
                    "checked_at": timezone.now(),
                },
            )
            checks.append(check)
    return checks


def _status(url: str) -> tuple[bool, int | None, str]:
    try:
        status = probe(url, timeout=settings.QUALITY_LINK_TIMEOUT)
    except IngestError as exc:
        return False, None, exc.message
    if status >= 400:
        return False, status, f"The server answered {status}."
    return True, status, ""


def due(now: datetime | None = None) -> list[Dataset]:
    """Datasets with an address never checked, or checked longer ago than the recheck days."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.QUALITY_LINK_RECHECK_DAYS)
    waiting = []
    for dataset in Dataset.objects.prefetch_related("link_checks", "distributions"):
        checked = {c.url: c.checked_at for c in dataset.link_checks.all()}
        if any(checked.get(url) is None or checked[url] < cutoff for url in addresses(dataset)):
            waiting.append(dataset)
    return waiting


@dataclass(frozen=True)
class Summary:
    """What the score needs: how many addresses were checked, and the broken ones."""

    checked: int
    broken: list[dict[str, Any]]


def summary(dataset: Dataset) -> Summary:
    checks = [c for c in dataset.link_checks.all() if c.url in set(addresses(dataset))]
    return Summary(
        checked=len(checks),
        broken=[
            {"url": c.url, "error": c.error, "checked_at": c.checked_at} for c in checks if not c.ok
        ],
    )
