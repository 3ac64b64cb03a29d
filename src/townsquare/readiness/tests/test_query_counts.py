"""The program's pages cost the same number of queries whatever the size of the inventory
(the shortlist is bounded by its target; the ranking and the list never query per row)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from townsquare.catalog.models import Organization
from townsquare.readiness.models import InventoryItem

pytestmark = pytest.mark.django_db

PAGES = [
    "/program/inventory",
    "/program/priorities",
    "/program/readiness",
    "/api/v1/program/ranking",
]


def _grow(count: int, start: int) -> None:
    departments = [
        Organization.objects.get_or_create(slug=f"dept-{n}", defaults={"name": f"Department {n}"})[
            0
        ]
        for n in range(4)
    ]
    InventoryItem.objects.bulk_create(
        InventoryItem(
            identifier=f"ITEM-{n}",
            title=f"Item {n}",
            organization=departments[n % 4],
            public_requests=n % 9,
            sensitivity=n % 4,
            on_shortlist=n < 3,
        )
        for n in range(start, start + count)
    )


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200, path
    return len(captured)


@pytest.mark.parametrize("path", PAGES)
def test_a_page_costs_no_more_queries_with_ten_times_the_items(coordinator: Any, path: str) -> None:
    client = Client()
    client.force_login(coordinator)
    _grow(20, 0)
    client.get(path)  # the program's settings are made on first use
    few = _queries(client, path)
    _grow(200, 20)
    assert _queries(client, path) == few
