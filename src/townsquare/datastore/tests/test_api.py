from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from townsquare.accounts.services import token_create
from townsquare.datastore.models import DataVersion, PublishedVersion
from townsquare.governance.models import ApprovalPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(public_works: Any, make_dataset: Any) -> Any:
    """Public Works publishes data versions without review (the workflow has its own tests)."""
    ApprovalPolicy.objects.create(organization=public_works, review_data_version=False)
    return make_dataset(public_works, slug="permits")


@pytest.fixture
def steward_client(steward: Any) -> Client:
    _, secret = token_create(actor=steward, user=steward, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def upload(client: Client, name: str, content: bytes, capture: Any, **options: str) -> Any:
    with capture(execute=True):  # the ingest task runs when the request's transaction commits
        return client.post(
            "/api/v1/datasets/permits/versions",
            {"file": SimpleUploadedFile(name, content), **options},
        )


def test_upload_ingest_list_and_read(
    steward_client: Client, dataset: Any, django_capture_on_commit_callbacks: Any
) -> None:
    response = upload(
        steward_client,
        "p.csv",
        b"id,kind,amount\n1,roof,10.5\n2,fence,3\n",
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 202, response.content
    assert response.json()["message"] == "Version 1 is queued for ingest."
    listing = Client().get("/api/v1/datasets/permits/versions").json()
    assert [(v["number"], v["status"], v["published"], v["row_count"]) for v in listing] == [
        (1, "ready", True, 2)
    ]
    detail = Client().get(listing[0]["url"]).json()
    assert [f["type"] for f in detail["table_schema"]["fields"]] == ["integer", "string", "number"]
    assert detail["profile"]["columns"]["amount"]["max"] == 10.5
    assert detail["profile"]["columns"]["kind"]["top"][0] == {"value": "fence", "count": 1}


def test_identical_upload_is_reported(
    steward_client: Client, dataset: Any, django_capture_on_commit_callbacks: Any
) -> None:
    upload(steward_client, "p.csv", b"a\n1\n", django_capture_on_commit_callbacks)
    again = upload(steward_client, "other-name.csv", b"a\n1\n", django_capture_on_commit_callbacks)
    assert again.status_code == 200
    assert (
        again.json()["message"] == "This file is identical to version 1; nothing new was ingested."
    )
    assert DataVersion.objects.count() == 1


def test_reader_options_and_unknown_ones(
    steward_client: Client, dataset: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ok = upload(
        steward_client, "p.txt", b"a|b\n1|2\n", django_capture_on_commit_callbacks, delimiter="|"
    )
    assert ok.status_code == 202
    assert DataVersion.objects.get().table_schema["fields"][1]["name"] == "b"
    bad = upload(
        steward_client, "p.csv", b"a\n1\n", django_capture_on_commit_callbacks, format="docx"
    )
    assert bad.status_code == 400  # refused before anything is stored, the option named
    assert bad.json()["errors"][0]["field"] == "format"
    assert DataVersion.objects.count() == 1


def test_only_stewards_load_data(client: Client, viewer: Any, dataset: Any) -> None:
    _, secret = token_create(actor=viewer, user=viewer, name="t")
    response = client.post(
        "/api/v1/datasets/permits/versions",
        {"file": SimpleUploadedFile("a.csv", b"a\n1\n")},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 403
    assert not DataVersion.objects.exists()


def test_failed_versions_are_for_stewards_only(
    steward_client: Client, dataset: Any, django_capture_on_commit_callbacks: Any
) -> None:
    upload(steward_client, "a.csv", b"a\n1\n", django_capture_on_commit_callbacks)
    upload(steward_client, "b.csv", b"", django_capture_on_commit_callbacks)
    mine = steward_client.get("/api/v1/datasets/permits/versions").json()
    assert [(v["number"], v["status"]) for v in mine] == [(2, "failed"), (1, "ready")]
    assert mine[0]["error"] == "The file is empty."
    public = Client().get("/api/v1/datasets/permits/versions").json()
    assert [v["number"] for v in public] == [1]
    assert Client().get(mine[0]["url"]).status_code == 404


def test_non_public_datasets_hide_their_versions(
    client: Client, public_works: Any, make_dataset: Any, outsider: Any
) -> None:
    make_dataset(public_works, slug="secret", access_level="non-public", rights="x")
    assert client.get("/api/v1/datasets/secret/versions").status_code == 404


def test_reingest_with_an_edited_schema_and_roll_back(
    steward_client: Client, dataset: Any, django_capture_on_commit_callbacks: Any
) -> None:
    upload(
        steward_client, "a.csv", b"code,amount\n001,1\n002,2\n", django_capture_on_commit_callbacks
    )
    first = DataVersion.objects.get()
    schema = {
        "fields": [
            {"name": "code", "type": "integer", "title": "Code"},
            {"name": "amount", "type": "number", "description": "How many"},
        ]
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = steward_client.post(
            f"/api/v1/datasets/permits/versions/{first.pk}/reingest",
            json.dumps({"table_schema": schema}),
            content_type="application/json",
        )
    assert response.status_code == 202, response.content
    second = DataVersion.objects.get(number=2)
    assert second.status == "ready"
    assert second.table_schema["fields"][1]["description"] == "How many"
    assert PublishedVersion.objects.get(dataset=dataset).version == second
    back = steward_client.post(f"/api/v1/datasets/permits/versions/{first.pk}/publish")
    assert back.status_code == 200 and back.json()["published"] is True
    assert PublishedVersion.objects.get(dataset=dataset).version == first
    bad = steward_client.post(
        f"/api/v1/datasets/permits/versions/{first.pk}/reingest",
        json.dumps({"table_schema": {"fields": [{"name": "Bad Name", "type": "integer"}]}}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"table_schema.fields", "table_schema.fields.0"} <= fields


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/data.csv":
            body = b"a,b\n1,2\n3,4\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/data.csv")
            self.end_headers()
        elif self.path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def source_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def from_url(client: Client, url: str, capture: Any) -> Any:
    with capture(execute=True):
        return client.post(
            "/api/v1/datasets/permits/versions/from-url",
            json.dumps({"url": url}),
            content_type="application/json",
        )


def test_loopback_urls_are_refused_by_default(
    steward_client: Client,
    dataset: Any,
    source_server: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    for url in (
        f"{source_server}/data.csv",
        "http://localhost/",
        "file:///etc/passwd",
        "ftp://example.org/x",
    ):
        response = from_url(steward_client, url, django_capture_on_commit_callbacks)
        assert response.status_code == 400, url
        assert response.json()["errors"][0]["field"] == "url"
    assert not DataVersion.objects.exists()


def test_urls_are_fetched_and_redirects_checked(
    settings: Any,
    steward_client: Client,
    dataset: Any,
    source_server: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.DATASTORE_ALLOW_PRIVATE_URLS = True  # the test's server is on 127.0.0.1
    response = from_url(
        steward_client, f"{source_server}/moved", django_capture_on_commit_callbacks
    )
    assert response.status_code == 202
    version = DataVersion.objects.get()
    assert (version.status, version.row_count, version.source_url) == (
        "ready",
        2,
        f"{source_server}/moved",
    )
    assert version.content_hash and version.original
    response = from_url(
        steward_client, f"{source_server}/to-metadata", django_capture_on_commit_callbacks
    )
    failed = DataVersion.objects.get(number=2)
    assert failed.status == "failed" and "link-local or metadata address" in failed.error
    from_url(steward_client, f"{source_server}/missing.csv", django_capture_on_commit_callbacks)
    assert "answered 404" in DataVersion.objects.get(number=3).error


def test_a_link_to_a_table_is_loaded_into_the_data_table(
    settings: Any,
    steward_client: Client,
    dataset: Any,
    source_server: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.DATASTORE_ALLOW_PRIVATE_URLS = True  # the test's server is on 127.0.0.1
    with django_capture_on_commit_callbacks(execute=True):
        response = steward_client.post(
            "/api/v1/datasets/permits/distributions",
            json.dumps({"download_url": f"{source_server}/moved", "media_type": "text/csv"}),
            content_type="application/json",
        )
    assert response.status_code == 202, response.content
    version = DataVersion.objects.get()
    assert (version.status, version.source_url, version.row_count) == (
        "ready",
        f"{source_server}/moved",
        2,
    )
    assert not dataset.distributions.exists()  # the table is the data table, not a link
    with django_capture_on_commit_callbacks(execute=True):
        response = steward_client.post(
            "/api/v1/datasets/permits/distributions",
            json.dumps({"download_url": f"{source_server}/report.pdf"}),
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    assert dataset.distributions.get().privacy == "required"  # a file: signed off first


def test_reading_options_are_checked_before_anything_is_stored(
    steward_client: Client, dataset: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for option, value in (
        ("delimiter", "ab"),
        ("encoding", "klingon-8"),
        ("format", "docx"),
    ):
        response = upload(
            steward_client,
            "a.csv",
            b"a;b\n1;2\n",
            django_capture_on_commit_callbacks,
            **{option: value},
        )
        assert response.status_code == 400, (option, response.content)
        assert [e["field"] for e in response.json()["errors"]] == [option]
    assert not DataVersion.objects.exists()
    good = upload(
        steward_client, "a.csv", b"a;b\n1;2\n", django_capture_on_commit_callbacks, delimiter=";"
    )
    assert good.status_code == 202, good.content
    assert DataVersion.objects.get().row_count == 1


def test_huge_offsets_are_refused_plainly(steward_client: Client, dataset: Any) -> None:
    huge = "9" * 20
    for path in (
        f"/api/v1/audit/events?offset={huge}",
        f"/api/v1/datasets/permits/records?offset={huge}",
    ):
        response = steward_client.get(path)
        assert response.status_code == 400, (path, response.content)
        assert response.json()["errors"][0]["field"] == "offset"
