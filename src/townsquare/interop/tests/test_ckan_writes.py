"""CKAN's write actions go through the publication decision exactly as a page would: a
steward's new dataset is a draft sent to review, an edit of a published dataset waits in its
working copy, and every refusal is CKAN's error."""

from __future__ import annotations

import json
from typing import Any

import ckanapi  # type: ignore[import-untyped]
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from townsquare.accounts import services as accounts
from townsquare.catalog.models import Dataset
from townsquare.governance.models import ApprovalPolicy, Change
from townsquare.interop.tests.test_ckan_reads import call, result

pytestmark = pytest.mark.django_db

NEW = {
    "name": "bike-counts",
    "title": "Bike counts",
    "notes": "Daily **bike** counts.",
    "owner_org": "public-works",
    "license_id": "CC-BY-4.0",
    "tags": [{"name": "bikes"}, {"name": "traffic"}],
    "groups": [{"name": "tran"}],
    "maintainer": "Traffic desk",
    "maintainer_email": "traffic@town.example",
    "extras": [
        {"key": "accrual_periodicity", "value": "R/P1D"},
        {"key": "sensor", "value": "loop"},
    ],
}


def write(client: Client, action: str, token: str, /, **data: Any) -> tuple[int, Any]:
    status, body = call(client, action, token, "post", **data)
    return status, body


def test_a_stewards_new_dataset_is_a_draft_sent_to_review(
    client: Client, town: Any, steward_token: str
) -> None:
    status, body = write(client, "package_create", steward_token, **NEW)
    assert status == 200, body
    created = body["result"]
    assert created["state"] == "draft"
    assert created["publication"]["state"] == "in review"
    assert Change.objects.get(pk=created["publication"]["change"]).status == "in_review"
    dataset = Dataset.objects.get(slug="bike-counts")
    assert dataset.keywords == ["bikes", "traffic"]
    assert dataset.themes == ["TRAN"]
    assert dataset.description == NEW["notes"]
    assert dataset.accrual_periodicity == "R/P1D"
    assert dataset.extras == {"sensor": "loop"}
    assert call(client, "package_show", id="bike-counts")[0] == 404  # not public yet
    assert result(client, "package_show", steward_token, id="bike-counts")["title"] == "Bike counts"


def test_without_review_it_is_published_and_edits_apply(
    client: Client, town: Any, steward_token: str
) -> None:
    ApprovalPolicy.objects.create(review_new_dataset=False, review_metadata_edit=False)
    created = write(client, "package_create", steward_token, **NEW)[1]["result"]
    assert created["state"] == "active"
    assert created["publication"]["state"] == "published"
    assert result(client, "package_show", id="bike-counts")["name"] == "bike-counts"
    patched = write(
        client, "package_patch", steward_token, id="bike-counts", title="Bicycle counts"
    )
    assert patched[1]["result"]["title"] == "Bicycle counts"
    shown = result(client, "package_show", id="bike-counts")
    shown["notes"] = "Counted by loops."
    updated = write(client, "package_update", steward_token, **shown)
    assert updated[0] == 200, updated[1]
    assert result(client, "package_show", id="bike-counts")["notes"] == "Counted by loops."


def test_an_edit_of_a_published_dataset_waits_in_its_working_copy(
    client: Client, town: Any, steward_token: str
) -> None:
    status, body = write(
        client, "package_patch", steward_token, id="building-permits", title="Permits issued"
    )
    assert status == 200, body
    assert body["result"]["publication"]["state"] == "in working copy"
    assert result(client, "package_show", id="building-permits")["title"] == "Building permits"


def test_resources_links_uploads_and_their_changes(
    client: Client, town: Any, steward_token: str
) -> None:
    ApprovalPolicy.objects.create(
        review_new_dataset=False, review_metadata_edit=False, review_data_version=False
    )
    linked = write(
        client,
        "resource_create",
        steward_token,
        package_id="road-repairs",
        url="https://files.town.example/repairs.pdf",
        name="Repairs report",
        format="PDF",
        mimetype="application/pdf",
    )
    assert linked[0] == 200, linked[1]
    resource = linked[1]["result"]
    assert resource["name"] == "Repairs report"
    renamed = write(client, "resource_patch", steward_token, id=resource["id"], name="Report")
    assert renamed[1]["result"]["name"] == "Report"
    assert write(client, "resource_delete", steward_token, id=resource["id"])[0] == 200
    upload = SimpleUploadedFile("counts.csv", b"day,count\n1,5\n2,7\n", content_type="text/csv")
    response = client.post(
        "/api/3/action/resource_create",
        {"package_id": "road-repairs", "upload": upload, "name": "Counts"},
        HTTP_AUTHORIZATION=steward_token,
    )
    assert response.status_code == 200, response.json()
    loaded = response.json()["result"]
    assert loaded["id"].startswith("data-")
    assert loaded["version"]["number"] == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**NEW, "colour": "red"}, "__junk"),
        ({**NEW, "owner_org": "nowhere"}, "owner_org"),
        ({**NEW, "name": ""}, "name"),
        ({**NEW, "maintainer_email": "not an address"}, "maintainer_email"),
        ({**NEW, "groups": [{"name": "nothing"}]}, "groups"),
        ({**NEW, "tags": [{"title": "no name"}]}, "tags"),
        ({**NEW, "private": True}, "rights"),  # non-public needs rights
    ],
)
def test_bad_writes_are_validation_errors_and_write_nothing(
    client: Client, town: Any, steward_token: str, data: dict[str, Any], field: str
) -> None:
    before = Dataset.objects.count()
    status, body = write(client, "package_create", steward_token, **data)
    assert status == 409, body
    assert body["error"]["__type"] == "Validation Error"
    assert field in body["error"], body["error"]
    assert Dataset.objects.count() == before


def test_writes_need_someone_allowed(
    client: Client, town: Any, parks: Any, viewer: Any, steward_token: str
) -> None:
    assert write(client, "package_create", "", **NEW)[0] == 403
    viewer_token = accounts.token_create(actor=viewer, user=viewer, name="v")[1]
    assert write(client, "package_create", viewer_token, **NEW)[0] == 403
    status, body = write(client, "package_create", steward_token, **{**NEW, "owner_org": "parks"})
    assert status == 403
    assert body["error"]["__type"] == "Authorization Error"
    assert write(client, "package_patch", steward_token, id="street-trees", title="x")[0] == 403
    assert write(client, "package_delete", "", id="building-permits")[0] == 403
    assert write(client, "package_patch", steward_token, id="future-parks", title="x")[0] == 404


def test_delete_archives_a_published_dataset_and_deletes_a_draft(
    client: Client, town: Any, coordinator: Any
) -> None:
    token = accounts.token_create(actor=coordinator, user=coordinator, name="c")[1]
    assert write(client, "package_delete", token, id="road-repairs")[0] == 200
    assert Dataset.objects.get(slug="road-repairs").state == "archived"
    assert call(client, "package_show", id="road-repairs")[0] == 404
    assert write(client, "package_delete", token, id="future-parks")[0] == 200
    assert not Dataset.objects.filter(slug="future-parks").exists()


def test_ckanapi_creates_and_uploads(
    live_server: Any, town: Any, steward_token: str, tmp_path: Any
) -> None:
    ApprovalPolicy.objects.create(review_new_dataset=False, review_metadata_edit=False)
    table = tmp_path / "counts.csv"
    table.write_text("day,count\n1,5\n")
    with ckanapi.RemoteCKAN(live_server.url, apikey=steward_token) as remote:
        created = remote.action.package_create(**NEW)
        assert created["publication"]["state"] == "published"
        with table.open("rb") as handle:
            loaded = remote.action.resource_create(
                package_id="bike-counts", upload=handle, name="Counts"
            )
        assert loaded["version"]["number"] == 1
        with pytest.raises(ckanapi.ValidationError):
            remote.action.package_create(**{**NEW, "name": "other", "colour": "red"})
    assert json.loads(json.dumps(created))["name"] == "bike-counts"
