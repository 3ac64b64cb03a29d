"""Keeping the demo town current: the street light outages dataset with two versions a day
apart (rows added, removed and changed, matched by outage id) and a source the portal serves
itself, refreshed every hour by the worker; and each dataset's last update dated as the town's
history goes, so that one is overdue and one due this week."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone

from townsquare.catalog import services as catalog
from townsquare.catalog.models import Dataset, Organization
from townsquare.catalog.vocabularies import State
from townsquare.core.actors import SYSTEM
from townsquare.datastore import services as datastore
from townsquare.datastore.models import DataVersion, PublishedVersion
from townsquare.demo import sources, town
from townsquare.upkeep import evaluation
from townsquare.upkeep import sources as upkeep_sources

HOUR = timedelta(hours=1)


def live_dataset(organization: Organization, folder: Path) -> str:
    """The outages as of two days and one day ago, then the live source; what it said."""
    values = dict(town.LIVE["values"])
    values["issued"] = date.fromisoformat(values["issued"])
    dataset = catalog.dataset_create(
        actor=SYSTEM, organization=organization, state=State.PUBLISHED, **values
    )
    now = timezone.now()
    for days in (2, 1):
        path = folder / "street-light-outages.csv"
        path.write_bytes(sources.csv_at(now - timedelta(days=days)))
        with path.open("rb") as handle:
            created = datastore.version_create(
                actor=SYSTEM,
                dataset=dataset,
                upload=File(handle, name=path.name),
                options={"primary_key": town.LIVE["key"]},
                enqueue=False,
                override=True,
            )
        version = datastore.version_ingest(created.version.pk)
        if version.status != DataVersion.Status.READY:
            raise RuntimeError(f"The demo outages did not ingest: {version.error}")
        _dated(dataset, days)
    url = f"{settings.SITE_URL}{town.LIVE['path']}"
    try:
        upkeep_sources.source_set(
            actor=SYSTEM,
            dataset=dataset,
            url=url,
            schedule="hours",
            every_hours=1,
            options={"primary_key": town.LIVE["key"]},
        )
    except ValidationError:
        return (
            f"The hourly refresh from {url} was not set: start the demo with `make demo`, "
            "which allows that address (TOWNSQUARE_DATASTORE_ALLOW_HOSTS)."
        )
    return f"Street light outages refresh every hour from {url}."


def _dated(dataset: Dataset, days: float) -> None:
    """The published data as loaded ``days`` ago."""
    moment = timezone.now() - timedelta(days=days)
    published = PublishedVersion.objects.filter(dataset=dataset).first()
    if published is None:
        return
    PublishedVersion.objects.filter(pk=published.pk).update(published_at=moment)
    DataVersion.objects.filter(pk=published.version_id).update(
        created_at=moment, started_at=moment, finished_at=moment, first_published_at=moment
    )
    Dataset.objects.filter(pk=dataset.pk).update(modified=moment)


def history(slugs: list[str]) -> None:
    """Date the last update of the datasets just loaded, then evaluate their freshness."""
    for slug, days in town.LAST_UPDATED_DAYS_AGO.items():
        dataset = Dataset.objects.filter(slug=slug).first()
        if dataset is not None and slug in slugs:
            _dated(dataset, days)
    evaluation.evaluate()
