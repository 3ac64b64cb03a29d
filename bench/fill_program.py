"""Fill the configured database for bench/readiness.py: 40 departments, 1,000 published
datasets, 5,000 inventory items (five on the launch shortlist, with their datasets), a
coordinator with a session and an API token. Prints, as JSON, the session, the token and how
many queries each page costs at this size (measured in-process). Deterministic."""

from __future__ import annotations

import json
import os
import random
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townsquare.settings")
django.setup()

from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from townsquare.accounts.models import Membership, User  # noqa: E402
from townsquare.accounts.services import token_create  # noqa: E402
from townsquare.catalog.models import Dataset, Organization  # noqa: E402
from townsquare.core.actors import SYSTEM  # noqa: E402
from townsquare.readiness.models import InventoryItem  # noqa: E402

PAGES = [
    "/program",
    "/program/readiness",
    "/program/priorities",
    "/program/inventory",
    "/api/v1/readiness",
    "/api/v1/program/ranking",
]


def fill(items: int, datasets: int, departments: int) -> None:
    rng = random.Random(7)
    organizations = Organization.objects.bulk_create(
        Organization(slug=f"department-{n}", name=f"Department {n}") for n in range(departments)
    )
    stewards = User.objects.bulk_create(
        User(username=f"steward-{n}", email=f"steward-{n}@town.example") for n in range(departments)
    )
    Membership.objects.bulk_create(
        Membership(organization=o, user=u, role="steward")
        for o, u in zip(organizations, stewards, strict=True)
    )
    made = Dataset.objects.bulk_create(
        Dataset(
            slug=f"dataset-{n}",
            title=f"Dataset {n}",
            description="A generated dataset for the readiness benchmark.",
            organization=organizations[n % departments],
            contact_name="Data team",
            contact_email="data@town.example",
            license="CC-BY-4.0",
            accrual_periodicity="R/P1M",
            state="published",
        )
        for n in range(datasets)
    )
    states = ["candidate"] * 6 + ["shortlisted", "in preparation", "not releasable"]
    InventoryItem.objects.bulk_create(
        InventoryItem(
            identifier=f"ITEM-{n:05d}",
            title=f"Inventory item {n}",
            organization=organizations[n % departments],
            steward=stewards[n % departments],
            state="published" if n < 5 else rng.choice(states),
            reason="privacy",
            dataset=made[n] if n < 5 else None,
            on_shortlist=n < 5,
            public_requests=rng.randint(0, 20),
            failed_searches=rng.randint(0, 10),
            records_requests=rng.randint(0, 8),
            transparency=rng.randint(0, 3),
            services=rng.randint(0, 3),
            economic=rng.randint(0, 3),
            purpose=rng.randint(0, 3),
            effort=rng.randint(0, 3),
            sensitivity=rng.randint(0, 3),
            source_quality_risk=rng.randint(0, 3),
        )
        for n in range(items)
    )


def main() -> None:
    items, datasets, departments = (int(a) for a in sys.argv[1:4])
    fill(items, datasets, departments)
    coordinator = User.objects.create_user("bench-coordinator", is_coordinator=True)
    session = SessionStore()
    session["_auth_user_id"] = str(coordinator.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = coordinator.get_session_auth_hash()
    session.create()
    token = token_create(actor=SYSTEM, user=coordinator, name="bench")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")
    queries = {}
    for path in PAGES:
        client.get(path)  # the program's settings are made on first use
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        queries[path] = len(captured)
    print(json.dumps({"session": session.session_key, "token": token, "queries": queries}))


if __name__ == "__main__":
    main()
