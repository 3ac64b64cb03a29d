"""Uploads stream to storage in bounded memory, and hostile file names or parameters are
handled without a 500."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import close_old_connections
from django.test import Client

from townsquare.accounts.services import token_create
from townsquare.catalog.models import Dataset, Distribution

pytestmark = pytest.mark.django_db
BOUNDARY = "townsquare-test-boundary"


def multipart_body_on_disk(path: Path, size: int) -> int:
    """A multipart/form-data body with one file of about ``size`` bytes, written to disk (text
    rows, under a name that is not a table's: it is attached as a document)."""
    with path.open("wb") as body:
        body.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.dat"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        body.write(b"id,value\n")
        row_block = b"1234567,abcdefghijklmnopqrstuvwxyz\n" * 10_000
        written = 0
        while written < size:
            body.write(row_block)
            written += len(row_block)
        body.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return written + 9


def test_a_large_upload_streams_through_bounded_memory(
    tmp_path: Path, steward: Any, public_works: Any, make_dataset: Any
) -> None:
    make_dataset(public_works)
    _, secret = token_create(actor=steward, user=steward, name="t")
    body = tmp_path / "body"
    file_size = multipart_body_on_disk(body, 30 * 1024 * 1024)
    statuses: list[str] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], object]:
        statuses.append(status)
        return lambda data: None

    with body.open("rb") as stream:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/v1/datasets/building-permits/distributions/upload",
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "CONTENT_LENGTH": str(body.stat().st_size),
            "HTTP_AUTHORIZATION": f"Bearer {secret}",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "wsgi.input": stream,
            "wsgi.url_scheme": "http",
        }
        handler = WSGIHandler()
        # As Django's test client does: keep the test's database connection open.
        request_started.disconnect(close_old_connections)
        try:
            tracemalloc.start()
            response = handler(environ, start_response)
            content = b"".join(response)
            response.close()  # as a WSGI server does: closes the request's temporary files
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        finally:
            request_started.connect(close_old_connections)
    assert statuses[0].startswith("201"), content[:500]
    assert json.loads(content)["byte_size"] == file_size
    assert peak < 8 * 1024 * 1024, f"peak Python memory {peak / 1e6:.1f} MB for a 30 MB upload"


@pytest.mark.parametrize(
    ("name", "stored_suffix"),
    [
        ("../../etc/passwd", "/passwd"),
        ("..\\..\\boot.ini", "/boot.ini"),
        ('a"b;c.csv', "/ab"),
        ("données été.pdf", "/données_été.pdf"),
    ],
)
# 'a"b;c.csv' breaks its own multipart header: it arrives as 'a"b' and is stored as "ab".
def test_hostile_file_names_are_made_safe(
    files_without_review: None,
    client: Client,
    steward: Any,
    public_works: Any,
    make_dataset: Any,
    name: str,
    stored_suffix: str,
) -> None:
    make_dataset(public_works)
    _, secret = token_create(actor=steward, user=steward, name="t")
    response = client.post(
        "/api/v1/datasets/building-permits/distributions/upload",
        {"file": SimpleUploadedFile(name, b"x\n1\n")},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 201, response.content
    stored = Distribution.objects.get().file.name
    assert stored.startswith("distributions/") and ".." not in stored
    assert stored.endswith(stored_suffix)
    client.force_login(steward)  # the file waits for its privacy sign-off: insiders only
    download = client.get(response.json()["download_url"])
    assert download.status_code == 200
    assert (
        "\n" not in download["Content-Disposition"] and ".." not in download["Content-Disposition"]
    )


@pytest.mark.parametrize(
    "path",
    [
        "/datasets/%00",
        "/datasets/" + "a" * 5000,
        "/datasets/..%2f..%2fetc",
        "/organizations/%ff",
        "/api/v1/datasets/%00",
        "/api/v1/datasets?q=" + "x" * 20_000,
        "/api/v1/datasets?organization=%00",
        "/datasets?page=-5&per_page=abc&sort=%27",
        "/api/v1/datasets/x/distributions/notanumber",
        "/datasets/x/distributions/99999999999999999999/download",
    ],
)
def test_odd_addresses_never_cause_a_server_error(client: Client, path: str) -> None:
    assert client.get(path).status_code < 500


def test_oversized_fields_are_refused_with_field_errors(
    client: Client, steward: Any, public_works: Any
) -> None:
    _, secret = token_create(actor=steward, user=steward, name="t")
    payload = {
        "title": "t" * 10_000,
        "description": "d",
        "organization": "public-works",
        "contact_name": "c",
        "contact_email": "c@town.example",
        "keywords": ["k" * 500],
        "rights": "r" * 300,
    }
    response = client.post(
        "/api/v1/datasets",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"title", "keywords", "rights"} <= fields


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/api/v1/datasets/a%00b", None),
        ("get", "/api/v1/datasets", {"q": "a\x00b"}),
        ("post", "/api/v1/datasets", {"title": "a\x00b", "organization": "public-works"}),
        (
            "post",
            "/api/v1/organizations/public-works/members",
            {"username": "x\x00", "role": "viewer"},
        ),
        ("post", "/api/v1/tokens", {"name": "\x00"}),
    ],
)
def test_nul_characters_are_refused_with_the_field_named(
    client: Client, steward: Any, coordinator: Any, method: str, path: str, data: Any
) -> None:
    _, secret = token_create(actor=coordinator, user=coordinator, name="t")
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if method == "get":
        response = client.get(path, data or {}, **headers)
    else:
        response = client.post(path, json.dumps(data), content_type="application/json", **headers)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("Text may not contain NUL")


def test_nul_characters_in_page_forms_are_refused(steward: Any, public_works: Any) -> None:
    page = Client()
    page.force_login(steward)
    encoded = urlencode({"organization": "public\x00works", "title": "x"})
    response = page.post("/datasets/new", encoded, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    multipart = page.post("/datasets/new", {"organization": "public-works", "title": "a\x00b"})
    assert multipart.status_code == 200
    assert "Null characters are not allowed." in multipart.content.decode()
    assert not Dataset.objects.exists()
    assert page.get("/datasets", {"q": "\x00"}).status_code == 400
