"""What the portal writes to the trail: every governed change with who, what, before and after,
when and from where, and every refused attempt; and who may read it, on pages and the API."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from townsquare.accounts import services as accounts
from townsquare.accounts.models import ApiToken
from townsquare.audit.models import AuditEvent
from townsquare.audit.tests.helpers import actions, last
from townsquare.catalog import services as catalog
from townsquare.datastore.tests.helpers import ingest
from townsquare.governance import services as governance

pytestmark = pytest.mark.django_db


def token_for(user: Any) -> str:
    return accounts.token_create(actor=user, user=user, name="t")[1]


def api(secret: str, address: str = "203.0.113.7") -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR=address)


def test_changes_are_recorded_with_before_after_and_address(
    admin: Any, coordinator: Any, outsider: Any, public_works: Any, make_dataset: Any
) -> None:
    accounts.user_set_site_role(actor=admin, user=outsider, role="coordinator")
    event = last("role.site_role_changed")
    assert (event.actor, event.object_label, event.before, event.after) == (
        "admin",
        str(outsider),
        {"role": ""},
        {"role": "coordinator"},
    )
    response = api(token_for(coordinator)).post(
        "/api/v1/organizations/public-works/members",
        {"username": "outsider", "role": "approver"},
        content_type="application/json",
    )
    assert response.status_code == 201
    event = last("role.membership_added")
    assert (event.actor, event.address, event.organization_id) == (
        "coordinator",
        "203.0.113.7",
        public_works.pk,
    )
    assert event.after == {"organization": "public-works", "role": "approver"}
    assert last("token.created").after["user"] == "coordinator"

    dataset = make_dataset(public_works, slug="permits")
    catalog.dataset_update(
        actor=coordinator, dataset=dataset, access_level="non-public", rights="Internal."
    )
    changed = last("dataset.access_level_changed")
    assert (changed.before, changed.after) == (
        {"access_level": "public"},
        {"access_level": "non-public"},
    )
    assert (changed.dataset_id, changed.organization_id) == (dataset.pk, public_works.pk)
    assert last("dataset.updated").after == {"access_level": "non-public", "rights": "Internal."}

    version = ingest(dataset, "p.csv", b"a,b\n1,2\n")
    assert last("data_version.ready").after == {"rows": 1, "columns": 2}
    published = last("data_version.published")
    assert (published.actor, published.after, published.dataset_id) == (
        "system",
        {"published": version.number},
        dataset.pk,
    )
    governance.document_revise(actor=coordinator, kind="purpose", title="Why", body="Because.")
    assert last("document.revised").after == {"kind": "purpose", "version": 1, "signers": []}


def test_refused_attempts_are_recorded(
    viewer: Any, steward: Any, outsider: Any, public_works: Any
) -> None:
    response = api(token_for(viewer)).post(
        "/api/v1/organizations/public-works/members",
        {"username": "viewer", "role": "steward"},
        content_type="application/json",
    )
    assert response.status_code == 403
    refused = last("role.membership.refused")
    assert (refused.actor, refused.object_label, refused.address) == (
        "viewer",
        str(viewer),
        "203.0.113.7",
    )
    assert "Only coordinators" in refused.after["reason"]
    assert not AuditEvent.objects.filter(action="role.membership_added").exists()

    forged = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.2")
    forged.force_login(steward)
    assert forged.post("/datasets/new", {"title": "x"}).status_code == 403
    event = last("request.csrf.refused")
    assert (event.actor, event.address, event.after["path"]) == (
        "steward",
        "198.51.100.2",
        "/datasets/new",
    )

    token, secret = accounts.token_create(actor=outsider, user=outsider, name="old")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert api(secret).get("/api/v1/me").status_code == 401
    expired = last("token.use.refused")
    assert expired.object_id == str(token.pk) and "expired" in expired.after["reason"]


def test_sign_in_failures_and_successes_are_recorded(outsider: Any) -> None:
    client = Client(REMOTE_ADDR="192.0.2.9")
    client.post("/account/sign-in", {"username": "outsider", "password": "wrong password"})
    failed = last("auth.sign_in_failed")
    assert (failed.actor, failed.after, failed.address) == (
        "anonymous",
        {"username": "outsider"},
        "192.0.2.9",
    )
    client.post("/account/sign-in", {"username": "outsider", "password": PASSWORD})
    assert last("auth.signed_in").actor == "outsider"


@pytest.fixture
def events_in_two_organizations(
    public_works: Any, parks: Any, make_dataset: Any, coordinator: Any
) -> None:
    make_dataset(public_works, slug="permits", title='=HYPERLINK("http://evil")')
    make_dataset(parks, slug="trees", title="Street trees")


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_trail_page_filters_and_scopes(
    events_in_two_organizations: Any, coordinator: Any, steward: Any, viewer: Any
) -> None:
    page = signed_in(coordinator).get("/audit/").content.decode()
    assert "dataset.created" in page and "Street trees" in page
    page = signed_in(coordinator).get("/audit/", {"dataset": "trees"}).content.decode()
    assert "Street trees" in page and "HYPERLINK" not in page
    page = signed_in(coordinator).get("/audit/", {"user": "nobody"}).content.decode()
    assert "No events match." in page
    stewards = signed_in(steward).get("/audit/").content.decode()
    assert "HYPERLINK" in stewards and "Street trees" not in stewards  # their organization only
    assert signed_in(viewer).get("/audit/").status_code == 403
    assert Client().get("/audit/").status_code == 302


def test_trail_exports_csv_and_json(events_in_two_organizations: Any, coordinator: Any) -> None:
    client = signed_in(coordinator)
    response = client.get("/audit/events.csv", {"action": "dataset."})
    assert response["Content-Disposition"] == 'attachment; filename="audit-trail.csv"'
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert [r["action"] for r in rows] == ["dataset.created", "dataset.created"]
    assert rows[1]["object_label"] == '\'=HYPERLINK("http://evil")'  # neutralized
    events = json.loads(client.get("/audit/events.json").getvalue())
    assert [e["number"] for e in events] == sorted(
        AuditEvent.objects.values_list("number", flat=True), reverse=True
    )
    newest = AuditEvent.objects.order_by("-number").first()
    assert newest is not None and events[0]["hash"] == newest.hash


def test_trail_over_the_api(
    events_in_two_organizations: Any, coordinator: Any, outsider: Any
) -> None:
    client = api(token_for(coordinator))
    body = client.get("/api/v1/audit/events", {"dataset": "trees", "limit": "5"}).json()
    assert [e["action"] for e in body["events"]] == ["dataset.created"]
    assert body["more"] is False
    csv_text = client.get("/api/v1/audit/events.csv").getvalue().decode()
    assert csv_text.startswith("number,at,actor")
    refused = api(token_for(outsider)).get("/api/v1/audit/events")
    assert refused.status_code == 403
    assert actions()[-1] == "token.created"  # reading is not an event; refusing it is not either


def test_dataset_page_links_its_history_for_those_who_may_read_it(
    events_in_two_organizations: Any, steward: Any, viewer: Any
) -> None:
    link = "/audit/?dataset=permits"
    assert link in signed_in(steward).get("/datasets/permits").content.decode()
    assert link not in signed_in(viewer).get("/datasets/permits").content.decode()
    assert link not in Client().get("/datasets/permits").content.decode()
