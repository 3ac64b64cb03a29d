from django_tasks import task

from townsquare.datastore import services


@task()
def ingest_version(*, version_id: int) -> None:
    services.version_ingest(version_id)
