"""What the freshness dashboard and the jobs page show."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from townsquare.catalog import freshness
from townsquare.catalog.models import Dataset
from townsquare.catalog.vocabularies import FREQUENCY_LABELS, State
from townsquare.core.actors import Actor
from townsquare.upkeep import policies
from townsquare.upkeep.models import Job
from townsquare.upkeep.scheduler import DEFINITIONS

RANK = {s: n for n, s in enumerate(("delinquent", "overdue", "due", "fresh"))}


@dataclass(frozen=True)
class Row:
    dataset: Dataset
    days_late: int

    @property
    def frequency(self) -> str:
        code = self.dataset.accrual_periodicity
        return str(FREQUENCY_LABELS.get(code) or code)


@dataclass(frozen=True)
class Department:
    name: str
    slug: str
    rows: list[Row]
    late: int


def dashboard(*, actor: Actor, state: str = "", now: datetime | None = None) -> list[Department]:
    """The datasets with a schedule the actor follows, by department (the latest department
    first), each latest first: delinquent, overdue, due, fresh, then by how late."""
    now = now or timezone.now()
    found = (
        Dataset.objects.filter(state=State.PUBLISHED)
        .exclude(freshness="")
        .select_related("organization")
        .only("slug", "title", "freshness", "update_due_at", "accrual_periodicity", "organization")
    )
    seen = policies.freshness_organizations(actor)
    if seen is not None:
        found = found.filter(organization_id__in=seen)
    if state:
        found = found.filter(freshness=state)
    departments: dict[int, list[Row]] = {}
    for dataset in found:
        due = dataset.update_due_at
        late = (now - due).days if due is not None and now >= due else 0
        departments.setdefault(dataset.organization_id, []).append(Row(dataset, late))
    result = []
    for rows in departments.values():
        rows.sort(key=lambda r: (RANK.get(r.dataset.freshness, 9), -r.days_late, r.dataset.title))
        org = rows[0].dataset.organization
        late = sum(1 for r in rows if r.dataset.freshness in freshness.LATE)
        result.append(Department(org.name, org.slug, rows, late))
    result.sort(key=lambda d: (-d.late, d.name))
    return result


def counts(departments: list[Department]) -> list[tuple[str, str, int]]:
    tally = Counter(r.dataset.freshness for d in departments for r in d.rows)
    return [(v, str(label), tally.get(v, 0)) for v, label in freshness.State.choices if v]


@dataclass(frozen=True)
class JobRow:
    job: Job
    title: str
    period: str

    @property
    def took(self) -> str:
        """How long the last finished run took, in words."""
        job = self.job
        if job.last_started_at is None or job.last_finished_at is None:
            return ""
        seconds = (job.last_finished_at - job.last_started_at).total_seconds()
        if seconds < 0:
            return ""
        return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def jobs() -> list[JobRow]:
    rows = {job.name: job for job in Job.objects.all()}
    return [
        JobRow(rows.get(name) or Job(name=name), d.title, str(d.period))
        for name, d in DEFINITIONS.items()
    ]
