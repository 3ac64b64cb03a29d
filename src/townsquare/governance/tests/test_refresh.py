"""`townsquare refresh`: the published source URL fetched again; the policy publishes a refresh
whose checks pass and holds one whose columns changed."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from townsquare.audit.tests.helpers import last
from townsquare.core.actors import SYSTEM
from townsquare.datastore import services
from townsquare.datastore.models import DataVersion
from townsquare.datastore.selectors import published_version
from townsquare.datastore.tests.helpers import published_number
from townsquare.governance.models import ApprovalPolicy, Change
from townsquare.quality.tests.test_privacy import PLANTED

pytestmark = pytest.mark.django_db

BODY = {"now": b"road,km\nMain,3\n"}


class _Source(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        body = BODY["now"]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def source(settings: Any) -> Iterator[str]:
    settings.DATASTORE_ALLOW_PRIVATE_URLS = True  # the test's server is on 127.0.0.1
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Source)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/roads.csv"
    server.shutdown()
    server.server_close()


def refresh(*slugs: str) -> str:
    out = StringIO()
    call_command("refresh", *slugs, stdout=out)
    return out.getvalue()


def test_refresh_publishes_when_checks_pass_and_waits_otherwise(
    public_works: Any, make_dataset: Any, source: str
) -> None:
    dataset = make_dataset(public_works, slug="roads")
    BODY["now"] = b"road,km\nMain,3\n"
    created = services.version_create_from_url(
        actor=SYSTEM, dataset=dataset, url=source, enqueue=False, override=True
    )
    first = services.version_ingest(created.version.pk)
    assert published_version(dataset) == first
    BODY["now"] = b"road,km\nMain,3\nOak,2\n"
    assert "version 2, 2 rows, published." in refresh("roads")
    BODY["now"] = b"road,km,lanes\nMain,3,2\n"
    assert "version 3, 1 rows, waits for review." in refresh("roads")
    assert published_number(dataset) == 2
    waiting = Change.objects.get().data_version
    assert waiting is not None and waiting.number == 3


def test_only_url_sources_can_be_refreshed(public_works: Any, make_dataset: Any) -> None:
    make_dataset(public_works, slug="roads")
    with pytest.raises(CommandError, match="Only data loaded from a URL can be refreshed"):
        refresh("roads")


def test_a_source_that_has_not_changed_makes_no_new_version(
    public_works: Any, make_dataset: Any, source: str
) -> None:
    dataset = make_dataset(public_works, slug="roads")
    BODY["now"] = b"road,km\nMain,3\n"
    created = services.version_create_from_url(
        actor=SYSTEM, dataset=dataset, url=source, enqueue=False, override=True
    )
    services.version_ingest(created.version.pk)
    assert "roads: unchanged since version 1." in refresh("roads")
    assert list(dataset.data_versions.values_list("number", flat=True)) == [1]
    assert last("data_version.unchanged").after["same_as"] == 1
    BODY["now"] = b"road,km\nMain,3\nOak,2\n"
    assert "version 2, 2 rows, published." in refresh("roads")  # a real change still loads
    assert DataVersion.objects.filter(dataset=dataset).count() == 2


def test_a_refresh_with_errors_or_findings_says_so(
    public_works: Any, make_dataset: Any, source: str, settings: Any
) -> None:
    ApprovalPolicy.objects.create(review_data_version=False)
    dataset = make_dataset(public_works, slug="roads")
    BODY["now"] = b"road,km\nMain,3\n"
    created = services.version_create_from_url(
        actor=SYSTEM, dataset=dataset, url=source, enqueue=False
    )
    services.version_ingest(created.version.pk)
    assert published_number(dataset) == 1
    settings.QUALITY_ERRORS = [*settings.QUALITY_ERRORS, "duplicate_rows"]
    BODY["now"] = b"road,km\nMain,3\nMain,3\n"
    with pytest.raises(CommandError, match="version 2 is not published: its quality report has 1"):
        refresh("roads")
    BODY["now"] = PLANTED.encode()
    assert "waits for a privacy officer (" in refresh("roads")
    assert published_number(dataset) == 1
