"""Uploads, downloads, deletion and /healthz against S3-compatible storage: a real S3-protocol
server (moto's) on 127.0.0.1, spoken to over HTTP by django-storages and boto3."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from townsquare.accounts.services import token_create

pytestmark = pytest.mark.django_db
BUCKET = "townsquare-test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    executable = shutil.which("moto_server")
    assert executable, "moto_server is a dev dependency: pip install -e '.[dev]'"
    port = _free_port()
    process = subprocess.Popen(
        [executable, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def s3_storage(settings: Any, s3_endpoint: str) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "location": "portal",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )


def keys(s3: Any) -> list[str]:
    return [
        item["Key"]
        for item in s3.list_objects_v2(Bucket=BUCKET, Prefix="portal/distributions/").get(
            "Contents", []
        )
    ]


def test_files_live_in_the_bucket(
    files_without_review: None,
    s3_storage: Any,
    steward: Any,
    public_works: Any,
    make_dataset: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_dataset(public_works)
    _, secret = token_create(actor=steward, user=steward, name="t")
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client = Client()
    payload = b"id,kind\n" + b"1,roof\n" * 50_000
    response = client.post(
        "/api/v1/datasets/building-permits/distributions/upload",
        {"file": SimpleUploadedFile("permits.pdf", payload)},
        **headers,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["byte_size"] == len(payload)
    stored = keys(s3_storage)
    assert len(stored) == 1 and stored[0].endswith("/permits.pdf")
    client.force_login(steward)  # the file waits for its privacy sign-off: insiders only
    download = client.get(body["download_url"])
    assert download.getvalue() == payload
    health = client.get("/healthz").json()["storage"]
    assert (health["status"], health["backend"]) == ("ok", "S3Storage")
    archived = client.post("/api/v1/datasets/building-permits/archive", **headers)
    assert archived.status_code == 200  # a published dataset is archived before it is deleted
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete("/api/v1/datasets/building-permits", **headers).status_code == 204
    assert keys(s3_storage) == []
