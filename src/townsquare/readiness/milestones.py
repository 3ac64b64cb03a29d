"""Successes the portal recognizes by itself, once each: the launch, each department's first
published dataset, the tenth and the fiftieth. Each comes with a ready draft announcement the
coordinator publishes or dismisses. (A year of on-time updates, download counts and the first
reuse need the freshness and engagement work.)"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse

from townsquare.catalog import services as catalog_services
from townsquare.catalog.models import Dataset
from townsquare.catalog.vocabularies import AccessLevel, State
from townsquare.readiness.models import Announcement, InventoryItem, Milestone, Program

COUNTS = (10, 50)


def recognize(key: str, label: str, title: str, body: str, dataset: Dataset | None = None) -> bool:
    """Record the milestone and its draft announcement, unless it was recognized already."""
    if Milestone.objects.filter(key=key).exists():
        return False
    try:
        with transaction.atomic():
            milestone = Milestone.objects.create(key=key, label=label, dataset=dataset)
    except IntegrityError:  # another process recognized it at the same moment
        return False
    Announcement.objects.create(title=title, body=body, milestone=milestone, created_by="system")
    return True


def launched(program: Program) -> None:
    recognize(
        "launch",
        "The portal launched",
        "Our open data portal is live",
        "Today we open our data portal. Start with the [datasets](/datasets) and tell us what "
        "you would like to see next.",
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


catalog_services.DATASET_PUBLISHED.append(dataset_published)  # the catalog's hook
