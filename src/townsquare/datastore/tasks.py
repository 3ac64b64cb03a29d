from django.db import transaction
from django_tasks import task

from townsquare.datastore import changes, loading
from townsquare.datastore.models import DataVersion


@task()
def ingest_version(*, version_id: int) -> None:
    loading.version_ingest(version_id)


@task()
def count_changes(*, version_id: int, before: int | None) -> None:
    """A publication's changes against the version it replaced (the public change history),
    counted in the background."""
    changes.count_published(version_id, before)


def queue_count(version: DataVersion, before: int | None) -> None:
    """services.VERSION_PUBLISHED's reaction, registered by the app."""
    transaction.on_commit(lambda: count_changes.enqueue(version_id=version.pk, before=before))
