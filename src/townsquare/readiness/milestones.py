"""Successes the portal recognizes by itself, once each: the launch, each department's first
published dataset, the tenth and the fiftieth. Each comes with a ready draft announcement the
coordinator publishes or dismisses; and a year of a dataset's updates, each on time for its
update frequency (looked at daily by the scheduler). Download counts and the first reuse wait
for the engagement work."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from townsquare.catalog import freshness
from townsquare.catalog import services as catalog_services
from townsquare.catalog.models import Dataset
from townsquare.catalog.vocabularies import AccessLevel, State
from townsquare.datastore.models import DataVersion
from townsquare.readiness.models import Announcement, InventoryItem, Milestone, Program

COUNTS = (10, 50)


def recognize(
    key: str,
    label: str,
    title: str,
    body: str,
    dataset: Dataset | None = None,
    publish: bool = False,
) -> bool:
    """Record the milestone and its announcement (a draft for the coordinator, unless
    ``publish``), unless it was recognized already."""
    if Milestone.objects.filter(key=key).exists():
        return False
    try:
        with transaction.atomic():
            milestone = Milestone.objects.create(key=key, label=label, dataset=dataset)
    except IntegrityError:  # another process recognized it at the same moment
        return False
    announcement = Announcement(title=title, body=body, milestone=milestone, created_by="system")
    if publish:
        announcement.state = Announcement.State.PUBLISHED
    announcement.save()
    return True


def launched(program: Program) -> None:
    recognize(
        "launch",
        "The portal launched",
        "Our open data portal is live",
        "Today we open our data portal. Start with the [datasets](/datasets) and tell us what "
        "you would like to see next.",
        publish=True,  # the launch publishes its announcement
    )


def dataset_published(dataset: Dataset) -> None:
    """A dataset was published: its inventory item is published, and the milestones it reaches
    are recognized."""
    InventoryItem.objects.filter(dataset=dataset).exclude(
        state=InventoryItem.State.PUBLISHED
    ).update(state=InventoryItem.State.PUBLISHED)
    if dataset.access_level == AccessLevel.NON_PUBLIC:  # nothing to announce to the public
        return
    organization = dataset.organization
    link = reverse("catalog:dataset", args=[dataset.slug])
    recognize(
        f"first-dataset:{organization.pk}",
        f"The first dataset of {organization.name}",
        f"{organization.name} publishes its first dataset",
        f"{organization.name} has published its first open dataset: [{dataset.title}]({link}).",
        dataset,
    )
    published = (
        Dataset.objects.filter(state=State.PUBLISHED)
        .exclude(access_level=AccessLevel.NON_PUBLIC)
        .count()
    )
    for count in COUNTS:
        if published >= count:
            recognize(
                f"datasets:{count}",
                f"{count} datasets published",
                f"{count} open datasets",
                f"With [{dataset.title}]({link}) the portal now offers {count} open datasets. "
                "Thank you to every department that prepared them.",
                dataset,
            )


YEAR = timedelta(days=365)


def on_time(updates: list[datetime], period: timedelta, now: datetime) -> bool:
    """Whether the updates cover the past year without ever being overdue (a gap under the
    period and its step, catalog/freshness.py): the first by the year's start, each next in
    time, the last not yet late."""
    start = now - YEAR
    before = [u for u in updates if u <= start]
    within = sorted(u for u in updates if start < u <= now)
    if not before or not within:
        return False
    previous = max(before)
    for update in [*within, now]:
        if update - previous > period + freshness.step(period):
            return False
        previous = update
    return True


def on_time_years(now: datetime | None = None) -> list[str]:
    """Recognize each public dataset that kept to its update frequency for a whole year."""
    now = now or timezone.now()
    found = []
    candidates = (
        Dataset.objects.filter(state=State.PUBLISHED)
        .exclude(access_level=AccessLevel.NON_PUBLIC)
        .exclude(accrual_periodicity="")
        .select_related("organization")
    )
    recognized = set(
        Milestone.objects.filter(key__startswith="on-time-year:").values_list("key", flat=True)
    )
    for dataset in candidates:
        key = f"on-time-year:{dataset.pk}"
        period = freshness.period_of(dataset.accrual_periodicity)
        if key in recognized or period is None:
            continue
        updates = [
            finished
            for finished in DataVersion.objects.filter(
                dataset=dataset, status=DataVersion.Status.READY
            ).values_list("finished_at", flat=True)
            if finished is not None
        ]
        if on_time(updates, period, now):
            link = reverse("catalog:dataset", args=[dataset.slug])
            recognize(
                key,
                f"A year of on-time updates: {dataset.title}",
                f"A year of {dataset.title}, always on time",
                f"For a whole year, {dataset.organization.name} updated [{dataset.title}]({link}) "
                "every time it said it would. Thank you.",
                dataset,
            )
            found.append(key)
    return found


catalog_services.DATASET_PUBLISHED.append(dataset_published)  # the catalog's hook
