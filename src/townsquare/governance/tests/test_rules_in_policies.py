"""Rules live in named policies, not in templates or template tags: the menu follows the
policies, and the versions table and the review lists cost no query per row."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from townsquare.core.actors import SYSTEM
from townsquare.datastore import policies as data_policies
from townsquare.governance import workflow
from townsquare.governance.tests.helpers import load

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[2]
MENU = {"People": "/people", "Audit trail": "/audit/", "Quality": "/quality/"}


def test_no_template_re_derives_a_role() -> None:
    role = re.compile(
        r"user\.(is_superuser|is_coordinator|is_staff)|\.role\s*==\s*\"(steward|approver)"
    )
    found = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in SOURCE.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if role.search(line)
    ]
    assert found == []


def menu(user: Any) -> set[str]:
    client = Client()
    if user is not None:
        client.force_login(user)
    page = client.get("/datasets").content.decode()
    nav = page[page.index('aria-label="Main"') : page.index("</nav>")]
    return {name for name, href in MENU.items() if f'href="{href}"' in nav}


def test_the_menu_follows_the_policies(
    coordinator: Any, steward: Any, viewer: Any, admin: Any
) -> None:
    assert menu(None) == set()
    assert menu(viewer) == set()
    assert menu(steward) == {"Audit trail"}  # their organization's events
    assert menu(coordinator) == set(MENU)
    assert menu(admin) == set(MENU)


def test_the_account_page_offers_what_the_person_may_do(
    coordinator: Any, steward: Any, admin: Any
) -> None:
    def links(user: Any) -> str:
        client = Client()
        client.force_login(user)
        return str(client.get("/account").content.decode())

    assert "Approval policy" not in links(steward) and "Site administration" not in links(steward)
    assert "Approval policy" in links(coordinator)
    assert "Site administration" not in links(coordinator)
    assert "Site administration" in links(admin)


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_versions_table_costs_no_query_per_row(
    public_works: Any, make_dataset: Any, steward: Any
) -> None:
    few, many = make_dataset(public_works, slug="few"), make_dataset(public_works, slug="many")
    for number in range(2):
        load(SYSTEM, few, b"a\n%d\n" % number, publish=True)
    for number in range(6):
        load(SYSTEM, many, b"a\n%d\n" % number, publish=True)
    client = Client()
    client.force_login(steward)
    assert queries(client, "/datasets/many") == queries(client, "/datasets/few")
    page = client.get("/datasets/many").content.decode()
    assert page.count("no findings") == 6


def test_the_review_lists_say_where_each_change_stands(
    public_works: Any, make_dataset: Any, steward: Any, approver: Any
) -> None:
    dataset = make_dataset(public_works, slug="roads", title="Roads")
    workflow.dataset_edit(actor=steward, dataset=dataset, title="Roads, 2026")
    workflow.change_submit(actor=steward, dataset=dataset)
    for user, url in ((approver, "/review"), (steward, "/review/submitted")):
        client = Client()
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "step 1 of 1: the sign-off of an approver" in page.lower(), url
    inbox = Client()
    inbox.force_login(approver)
    title = inbox.get("/review").content.decode().split("<title>")[1].split("</title>")[0]
    assert "<h2>" not in title and "Waiting for your sign-off" in title


def test_re_reading_a_version_is_one_policy_for_page_and_rules(
    public_works: Any, make_dataset: Any, steward: Any, outsider: Any
) -> None:
    dataset = make_dataset(public_works, slug="roads")
    ready = load(SYSTEM, dataset, b"a,b\n1,2\n", publish=True)
    assert data_policies.can_reread_version(steward, ready)
    assert not data_policies.can_reread_version(outsider, ready)
    failed = load(SYSTEM, dataset, b"")
    assert failed.status == "failed" and not data_policies.can_reread_version(steward, failed)
    client = Client()
    client.force_login(steward)
    page = client.get(f"/datasets/roads/data/versions/{ready.pk}").content.decode()
    assert "withhold a column from publication" in page
    refused = client.post(f"/datasets/roads/data/versions/{failed.pk}", {})
    assert refused.status_code == 400
    assert "Only a ready version whose original file is kept" in refused.content.decode()
