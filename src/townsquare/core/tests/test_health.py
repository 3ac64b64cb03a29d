from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_storage(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert (body["storage"]["status"], body["storage"]["backend"]) == ("ok", "FileSystemStorage")


def test_healthz_is_503_when_storage_fails(client: Client, settings: Any, tmp_path: Any) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocker / "files"},
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"]["status"] == "error"
    assert response.json()["database"]["status"] == "ok"
