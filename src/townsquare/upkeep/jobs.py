"""Every periodic job of the portal, in one place, with its period. The scheduler
(scheduler.py) runs them in the workers; staff see them at /upkeep/jobs. Apps above this one
(the launch program) add theirs with ``scheduler.define`` in their ready()."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from townsquare.quality import links
from townsquare.quality.tasks import check_links
from townsquare.upkeep import digests, evaluation, reminders, sources
from townsquare.upkeep.periods import Daily, Every, Weekly
from townsquare.upkeep.scheduler import Definition, define


def _freshness(now: datetime) -> str:
    return str(evaluation.evaluate(now))


def _refreshes(now: datetime) -> str:
    queued = sources.claim_due(now)
    return f"{len(queued)} refresh{'es' if len(queued) != 1 else ''} queued"


def _link_checks(now: datetime) -> str:
    due = links.due(now)
    for dataset in due:  # one task each: a slow server holds up no other job
        check_links.enqueue(dataset_id=dataset.pk)
    return f"{len(due)} dataset{'s' if len(due) != 1 else ''} queued for a link check"


FRESHNESS = define(
    Definition(
        "freshness", "Evaluate every dataset's freshness", Every(timedelta(hours=1)), _freshness
    )
)
REMINDERS = define(
    Definition(
        "reminders",
        "Remind stewards of updates due, overdue and delinquent",
        Every(timedelta(hours=1)),
        reminders.send_reminders,
        first_at=lambda now: now + timedelta(minutes=1),  # after the first evaluation
    )
)
DIGESTS = define(
    Definition(
        "digests",
        "The weekly digest to stewards and coordinators",
        Weekly(0, time(7)),
        digests.send_digests,
        first_at=lambda now: Weekly(0, time(7)).next_after(now),
    )
)
LINK_CHECKS = define(
    Definition(
        "link-checks",
        "Check the links of datasets not checked lately",
        Daily(time(3)),
        _link_checks,
    )
)
REFRESHES = define(
    Definition(
        "refreshes",
        "Refresh datasets from their sources when their schedule says",
        Every(timedelta(minutes=1)),
        _refreshes,
    )
)
