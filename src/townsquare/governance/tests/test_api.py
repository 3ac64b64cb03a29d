"""The workflow over the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conftest import dataset_values
from townsquare.accounts.services import token_create
from townsquare.audit.tests.helpers import last

pytestmark = pytest.mark.django_db


def api(user: Any) -> Client:
    secret = token_create(actor=user, user=user, name="t")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    return getattr(client, method)(
        path, json.dumps(body) if body is not None else None, content_type="application/json"
    )


def test_submit_review_and_decide_over_the_api(
    public_works: Any, steward: Any, approver: Any, viewer: Any, coordinator: Any
) -> None:
    author, reviewer = api(steward), api(approver)
    created = send(
        author,
        "post",
        "/api/v1/datasets",
        {**dataset_values(slug="trees"), "organization": "public-works"},
    ).json()
    assert created["state"] == "draft"
    assert Client().get("/api/v1/datasets/trees").status_code == 404
    assert send(api(viewer), "post", "/api/v1/datasets/trees/submit").status_code == 403
    assert last("change.submit.refused").actor == "viewer"
    change = send(author, "post", "/api/v1/datasets/trees/submit").json()
    assert change["status"] == "in_review" and change["step"] == 1
    inbox = reviewer.get("/api/v1/reviews").json()
    assert [c["id"] for c in inbox] == [change["id"]]
    stale = send(reviewer, "post", f"/api/v1/changes/{change['id']}/approve", {"revision": 99})
    assert stale.status_code == 409 and "changed after you opened it" in stale.json()["detail"]
    own = send(author, "post", f"/api/v1/changes/{change['id']}/approve", {"revision": 1})
    assert own.status_code == 403
    done = send(
        reviewer,
        "post",
        f"/api/v1/changes/{change['id']}/approve",
        {"revision": 1, "comment": "ok"},
    ).json()
    assert done["status"] == "published" and done["sign_offs"][0]["username"] == "approver"
    assert Client().get("/api/v1/datasets/trees").json()["state"] == "published"


def test_working_copy_and_if_match_over_the_api(
    public_works: Any, make_dataset: Any, steward: Any
) -> None:
    make_dataset(public_works, slug="permits")
    author = api(steward)
    token = author.get("/api/v1/datasets/permits/working-copy").json()["edit_token"]
    response = author.patch(
        "/api/v1/datasets/permits",
        json.dumps({"title": "Permits issued"}),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{token}"',
    )
    assert response.status_code == 200 and response.json()["title"] == "Building permits"
    copy = author.get("/api/v1/datasets/permits/working-copy").json()
    assert copy["change"]["metadata"] == [
        {"field": "title", "published": "Building permits", "proposed": "Permits issued"}
    ]
    again = author.patch(
        "/api/v1/datasets/permits",
        json.dumps({"title": "Late"}),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{token}"',
    )
    assert again.status_code == 409


def test_policies_over_the_api(public_works: Any, coordinator: Any, steward: Any) -> None:
    staff = api(coordinator)
    assert staff.get("/api/v1/approval-policy").json()["steps"] == [
        {"role": "approver", "count": 1}
    ]
    changed = send(
        staff,
        "put",
        "/api/v1/organizations/public-works/approval-policy",
        {"steps": [{"role": "approver", "count": 1}, {"role": "coordinator", "count": 1}]},
    ).json()
    assert changed["organization"] == "public-works" and len(changed["steps"]) == 2
    bad = send(staff, "put", "/api/v1/approval-policy", {"steps": [{"role": "mayor"}]})
    assert bad.status_code == 400
    refused = send(api(steward), "put", "/api/v1/approval-policy", {"review_new_dataset": False})
    assert refused.status_code == 403 and last("policy.change.refused").actor == "steward"


def test_access_requests_over_the_api(
    public_works: Any, make_dataset: Any, outsider: Any, approver: Any
) -> None:
    make_dataset(public_works, slug="parcels", access_level="restricted public", rights="Partners.")
    asker, reviewer = api(outsider), api(approver)
    created = send(asker, "post", "/api/v1/datasets/parcels/access-requests", {"reason": "Study"})
    assert created.status_code == 201 and created.json()["status"] == "requested"
    waiting = reviewer.get("/api/v1/access-requests").json()["waiting"]
    assert [w["user"] for w in waiting] == ["outsider"]
    assert (
        send(asker, "post", f"/api/v1/access-requests/{waiting[0]['id']}/grant").status_code == 404
    )
    granted = send(
        reviewer, "post", f"/api/v1/access-requests/{waiting[0]['id']}/grant", {"comment": "ok"}
    ).json()
    assert granted["status"] == "granted"
    assert reviewer.get("/api/v1/access-requests").json()["granted"][0]["user"] == "outsider"


def test_a_steward_cannot_publish_directly(public_works: Any, steward: Any) -> None:
    author = api(steward)
    send(
        author,
        "post",
        "/api/v1/datasets",
        {**dataset_values(slug="trees"), "organization": "public-works"},
    )
    refused = send(author, "patch", "/api/v1/datasets/trees", {"state": "published"})
    assert refused.status_code == 403 and "submit it for review" in refused.json()["detail"]
    assert last("dataset.publish.refused").actor == "steward"
    assert Client().get("/api/v1/datasets/trees").status_code == 404
