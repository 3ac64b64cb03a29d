from django_tasks import task

from townsquare.upkeep import refresh


@task()
def refresh_source(*, run_id: int) -> None:
    """One claimed refresh (sources.claim_due queued it)."""
    refresh.refresh(run_id)
