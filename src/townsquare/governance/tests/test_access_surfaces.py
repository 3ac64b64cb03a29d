"""Access levels and drafts on every surface: an outsider (anonymous or signed in without a
role) learns nothing about non-public datasets and drafts — not through pages, search results,
facet counts, the API, the records and SQL endpoints, exports, file downloads, previews or
error messages — and reads restricted public data only once an approver granted it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client

from townsquare.audit.tests.helpers import last
from townsquare.catalog import access, distributions
from townsquare.catalog import services as catalog
from townsquare.catalog.models import AccessGrant, Dataset
from townsquare.core.actors import SYSTEM
from townsquare.datastore.tests.helpers import ingest
from townsquare.governance.tests.helpers import load

pytestmark = pytest.mark.django_db

SECRET = "Zanzibar"  # a word only the hidden datasets contain


@pytest.fixture
def town(public_works: Any, make_dataset: Any) -> dict[str, Dataset]:
    made = {
        "open": make_dataset(public_works, slug="open", title="Open roads"),
        "restricted": make_dataset(
            public_works,
            slug="restricted",
            title="Restricted roads",
            access_level="restricted public",
            rights="Partners only.",
        ),
        "hidden": make_dataset(
            public_works,
            slug="zz-internal",
            title=f"{SECRET} hidden roads",
            description=f"{SECRET} secret",
            keywords=[SECRET.lower()],
            access_level="non-public",
            rights="Staff only.",
        ),
        "draft": make_dataset(
            public_works,
            slug="zz-pending",
            title=f"{SECRET} draft roads",
            keywords=[SECRET.lower()],
        ),
    }
    catalog.dataset_set_state(actor=SYSTEM, dataset=made["draft"], state="draft")
    for dataset in made.values():
        version = ingest(dataset, "r.csv", b"road,km\nMain,3\nOak,2\n")
        assert version.status == "ready", version.error
        distributions.distribution_add_file(
            actor=SYSTEM,
            dataset=dataset,
            upload=ContentFile(b"%PDF road map", name="r.pdf"),
            privacy="accepted",
        )
    return {k: Dataset.objects.get(pk=v.pk) for k, v in made.items()}


def outsiders(outsider: Any) -> list[Client]:
    signed = Client()
    signed.force_login(outsider)
    return [Client(), signed]


def not_found_like_nothing(client: Client, path: str, slug: str) -> None:
    """The answer for a hidden dataset is the answer for one that does not exist."""
    hidden = client.get(path.format(slug=slug))
    missing = client.get(path.format(slug="no-such-dataset"))
    assert hidden.status_code == missing.status_code == 404, path
    assert plain(hidden.content, slug) == plain(missing.content, "no-such-dataset"), path


def plain(content: bytes, slug: str) -> str:
    """The page without its slug and its per-request CSRF token."""
    text = content.decode().replace(slug, "X")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


@pytest.mark.parametrize("kind", ["hidden", "draft"])
def test_hidden_datasets_do_not_exist_for_outsiders(town: Any, outsider: Any, kind: str) -> None:
    slug = town[kind].slug
    paths = [
        "/datasets/{slug}",
        "/datasets/{slug}/data",
        "/api/v1/datasets/{slug}",
        "/api/v1/datasets/{slug}/distributions",
        "/api/v1/datasets/{slug}/versions",
        "/api/v1/datasets/{slug}/records",
        "/api/v1/datasets/{slug}/export.csv",
    ]
    distribution = town[kind].distributions.get()
    for client in outsiders(outsider):
        for path in paths:
            not_found_like_nothing(client, path, slug)
        download = client.get(f"/datasets/{slug}/distributions/{distribution.pk}/download")
        assert download.status_code == 404
        sql = client.get("/api/v1/sql", {"q": f'SELECT count(*) FROM "{slug}"'}).json()
        nothing = client.get("/api/v1/sql", {"q": 'SELECT count(*) FROM "no-such"'}).json()
        assert sql["detail"].replace(slug, "X") == nothing["detail"].replace("no-such", "X")


def test_lists_searches_and_counts_show_only_what_outsiders_may_see(
    town: Any, outsider: Any
) -> None:
    for client in outsiders(outsider):
        for page in ("/", "/datasets", "/organizations", "/organizations/public-works"):
            assert SECRET not in client.get(page).content.decode(), page
        search = client.get("/api/v1/datasets").json()
        assert search["count"] == 2
        assert {d["slug"] for d in search["results"]} == {"open", "restricted"}
        levels = {f["value"]: f["count"] for f in search["facets"]["access_level"]}
        assert levels == {"public": 1, "restricted public": 1}
        assert client.get("/api/v1/datasets", {"q": SECRET}).json()["count"] == 0
        counts = {o["slug"]: o["dataset_count"] for o in client.get("/api/v1/organizations").json()}
        assert counts["public-works"] == 2
        page = client.get("/datasets", {"q": SECRET}).content.decode()
        assert "hidden roads" not in page and "draft roads" not in page
        assert "secret" not in page


def readable(client: Client, town: Any) -> list[int]:
    """The statuses of the restricted dataset's records, export, data page and file download."""
    distribution = town["restricted"].distributions.get()
    paths = [
        "/api/v1/datasets/restricted/records",
        "/api/v1/datasets/restricted/export.csv",
        "/datasets/restricted/data",
        f"/datasets/restricted/distributions/{distribution.pk}/download",
    ]
    return [client.get(path).status_code for path in paths]


def test_restricted_data_is_closed_to_outsiders_but_its_metadata_is_public(
    town: Any, outsider: Any
) -> None:
    anonymous, signed = outsiders(outsider)
    assert anonymous.get("/datasets/restricted").status_code == 200
    assert readable(anonymous, town) == [403, 403, 302, 302]  # sign in first
    assert readable(signed, town) == [403, 403, 403, 403]
    sql = signed.get("/api/v1/sql", {"q": "SELECT count(*) FROM restricted"})
    assert sql.status_code != 200
    assert "Request access to the data" in signed.get("/datasets/restricted").content.decode()


def _request(signed: Client, capture: Any) -> AccessGrant:
    with capture(execute=True):
        signed.post("/datasets/restricted/access-request", {"reason": "Road safety study."})
    return AccessGrant.objects.get()


def test_an_access_request_waits_for_the_approvers(
    town: Any, outsider: Any, approver: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _, signed = outsiders(outsider)
    grant = _request(signed, django_capture_on_commit_callbacks)
    assert grant.status == "requested" and last("access.requested").actor == "outsider"
    assert "an approver will decide" in signed.get("/datasets/restricted").content.decode()
    assert "Road safety study." in signed_in(approver).get("/review/access").content.decode()


def test_a_grant_opens_every_data_surface_to_that_person_only(
    town: Any, outsider: Any, approver: Any, django_capture_on_commit_callbacks: Any
) -> None:
    anonymous, signed = outsiders(outsider)
    grant = _request(signed, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(approver).post(f"/review/access/{grant.pk}/grant", {"comment": "Go ahead."})
    assert last("access.granted").after == {"user": "outsider", "comment": "Go ahead."}
    (granted,) = [m for m in mail.outbox if m.to == [outsider.email]]
    assert "granted" in granted.body and "http://127.0.0.1:8000/datasets/restricted" in granted.body
    assert readable(signed, town) == [200, 200, 200, 200]
    sql = signed.get("/api/v1/sql", {"q": "SELECT count(*) AS n FROM restricted"})
    assert sql.json()["rows"] == [{"n": 2}]
    assert readable(anonymous, town) == [403, 403, 302, 302]


def test_revoking_a_grant_closes_the_data_again(
    town: Any, outsider: Any, approver: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _, signed = outsiders(outsider)
    grant = _request(signed, django_capture_on_commit_callbacks)
    reviewer = signed_in(approver)
    reviewer.post(f"/review/access/{grant.pk}/grant", {"comment": "Go ahead."})
    assert readable(signed, town) == [200, 200, 200, 200]
    reviewer.post(f"/review/access/{grant.pk}/revoke")
    assert readable(signed, town) == [403, 403, 403, 403]
    assert last("access.revoked").actor == "approver"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_access_requests_refusals(town: Any, outsider: Any, approver: Any, viewer: Any) -> None:
    with pytest.raises(Exception, match="restricted public data they cannot read"):
        access.access_request(actor=outsider, dataset=town["open"], reason="x")
    grant = access.access_request(actor=outsider, dataset=town["restricted"], reason="Study.")
    with pytest.raises(Exception, match="asked already"):
        access.access_request(actor=outsider, dataset=town["restricted"], reason="Again.")
    with pytest.raises(Exception, match="Only the organization's approvers"):
        access.access_decide(actor=viewer, grant=grant, grant_it=True)
    access.access_decide(actor=approver, grant=grant, grant_it=False, comment="Not yet.")
    with pytest.raises(Exception, match="was refused already"):
        access.access_decide(actor=approver, grant=grant, grant_it=True)
    assert last("access.refused").after["comment"] == "Not yet."


def test_versions_reveal_no_data_or_pending_work_to_outsiders(
    town: Any, outsider: Any, steward: Any
) -> None:
    held = load(steward, town["open"], b"road,km\nElm,9\n")  # waits for review
    for client in outsiders(outsider):
        listed = client.get("/api/v1/datasets/open/versions").json()
        assert [v["number"] for v in listed] == [1] and held.number == 2
        assert client.get(f"/api/v1/datasets/open/versions/{held.pk}").status_code == 404
        restricted = town["restricted"].data_versions.get()
        detail = client.get(f"/api/v1/datasets/restricted/versions/{restricted.pk}").json()
        assert detail["profile"] == {} and detail["report"] == {} and detail["bbox"] is None
        assert detail["table_schema"]["fields"][0]["name"] == "road"  # the columns are metadata
        public = town["open"].data_versions.get(number=1)
        assert client.get(f"/api/v1/datasets/open/versions/{public.pk}").json()["profile"]
