"""The metadata score's live criteria (links reachable, update frequency honoured), the public
badge, and the coordinator's quality dashboard."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from townsquare.accounts.services import token_create
from townsquare.catalog import freshness
from townsquare.core.actors import SYSTEM
from townsquare.datastore.models import PublishedVersion
from townsquare.governance import files
from townsquare.governance.tests.helpers import load
from townsquare.quality import links
from townsquare.quality.models import LinkCheck
from townsquare.quality.score import late, score

pytestmark = pytest.mark.django_db


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:  # noqa: N802
        if self.path == "/no-head":
            self.send_response(405)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        else:
            self.send_response(200 if self.path in ("/ok", "/dictionary") else 404)
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200 if self.path == "/no-head" else 404)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server(settings: Any) -> Iterator[str]:
    settings.DATASTORE_ALLOW_PRIVATE_URLS = True  # the test server is on 127.0.0.1
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def criterion(found: Any, name: str) -> float:
    met: float = next(c["met"] for c in found.criteria if c["criterion"] == name)
    return met


def test_links_are_checked_in_the_background_when_they_change(
    server: str,
    public_works: Any,
    make_dataset: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    files_without_review: Any,
) -> None:
    settings.QUALITY_CHECK_LINKS = True
    dataset = make_dataset(public_works, slug="linked", landing_page=f"{server}/ok")
    assert (
        score(dataset, None).score > 0 and criterion(score(dataset, None), "links reachable") == 1
    )
    with django_capture_on_commit_callbacks(execute=True):  # the task runs on commit
        files.distribution_add(
            actor=SYSTEM,
            dataset=dataset,
            title="Old page",
            access_url=f"{server}/gone",
        )
    checks = {c.url: c for c in LinkCheck.objects.filter(dataset=dataset)}
    assert checks[f"{server}/ok"].ok and checks[f"{server}/ok"].status == 200
    assert not checks[f"{server}/gone"].ok and checks[f"{server}/gone"].status == 404
    found = score(dataset, None)
    assert criterion(found, "links reachable") == 0.5
    assert f"1 link did not answer: {server}/gone." in found.suggestions


def test_the_scheduled_check_follows_redirects_and_refuses_private_addresses(
    server: str, public_works: Any, make_dataset: Any, settings: Any, capsys: Any
) -> None:
    dataset = make_dataset(
        public_works,
        slug="linked",
        landing_page=f"{server}/moved",
        described_by=f"{server}/no-head",
    )
    assert links.due() == [dataset]
    call_command("check_links")
    out = capsys.readouterr().out
    assert "linked: 2 link(s), 0 broken" in out
    assert links.due() == []  # checked: not due again for a week
    settings.DATASTORE_ALLOW_PRIVATE_URLS = False
    call_command("check_links", "linked")
    check = LinkCheck.objects.get(dataset=dataset, url=f"{server}/moved")
    assert not check.ok and "private, shared or loopback" in check.error


def test_the_update_frequency_is_honoured_or_not(public_works: Any, make_dataset: Any) -> None:
    dataset = make_dataset(public_works, slug="monthly", accrual_periodicity="R/P1M")
    load(SYSTEM, dataset, b"a,b\n1,2\n", publish=True)
    assert criterion(score(dataset, None), "update frequency") == 1.0
    PublishedVersion.objects.filter(dataset=dataset).update(
        published_at=timezone.now() - timedelta(days=50)
    )
    found = score(dataset, None)
    assert criterion(found, "update frequency") == 0.5  # overdue: 30 days + 15
    due = (timezone.now() - timedelta(days=50) + freshness.MONTH).strftime("%d %B %Y")
    assert (
        f"The data should be updated monthly, but the update due on {due} is 19 days late: "
        "load fresh data or correct the update frequency." in found.suggestions
    )
    PublishedVersion.objects.filter(dataset=dataset).update(
        published_at=timezone.now() - timedelta(days=100)
    )
    assert criterion(score(dataset, None), "update frequency") == 0.0  # delinquent
    assert late(dataset) == 69
    irregular = make_dataset(public_works, slug="irregular", accrual_periodicity="irregular")
    assert criterion(score(irregular, None), "update frequency") == 1.0
    unset = make_dataset(public_works, slug="unset", accrual_periodicity="")
    assert "The update frequency is not set." in score(unset, None).suggestions


def test_the_public_sees_a_badge_and_stewards_the_suggestions(
    public_works: Any, make_dataset: Any, steward: Any
) -> None:
    make_dataset(public_works, slug="scored", description="Short.", keywords=[])
    html = Client().get("/datasets/scored").content.decode()
    assert "Metadata quality " in html and "/100" in html
    assert "How to raise the score" not in html
    page = Client()
    page.force_login(steward)
    html = page.get("/datasets/scored").content.decode()
    assert "How to raise the score" in html and "Add keywords people search for." in html


def test_the_coordinators_dashboard_worst_first_by_organization(
    public_works: Any, parks: Any, make_dataset: Any, coordinator: Any, steward: Any
) -> None:
    make_dataset(public_works, slug="good", accrual_periodicity="R/P1Y")
    make_dataset(public_works, slug="poor", description="x", license="", keywords=[])
    make_dataset(parks, slug="trees")
    page = Client()
    page.force_login(coordinator)
    html = page.get("/quality/").content.decode()
    assert html.index("/datasets/poor") < html.index("/datasets/good")
    assert "Which checks block publication" in html and "<code>cast_failure</code>" in html
    only = page.get("/quality/?organization=parks").content.decode()
    assert "/datasets/trees" in only and "/datasets/good" not in only
    secret = token_create(actor=coordinator, user=coordinator, name="t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = api.get("/api/v1/quality/datasets?organization=public-works").json()
    assert [d["slug"] for d in body["datasets"]] == ["poor", "good"]
    assert body["datasets"][0]["score"] <= body["datasets"][1]["score"]
    assert "The license is not set." in body["datasets"][0]["suggestions"]
    refused = Client()
    refused.force_login(steward)
    assert refused.get("/quality/").status_code == 403
    steward_token = token_create(actor=steward, user=steward, name="t")[1]
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {steward_token}")
        .get("/api/v1/quality/datasets")
        .status_code
        == 403
    )
