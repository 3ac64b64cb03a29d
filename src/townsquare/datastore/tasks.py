from django_tasks import task

from townsquare.datastore import loading


@task()
def ingest_version(*, version_id: int) -> None:
    loading.version_ingest(version_id)
