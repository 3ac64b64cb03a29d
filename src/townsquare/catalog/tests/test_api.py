from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import dataset_values
from townsquare.accounts.services import token_create
from townsquare.catalog.models import Dataset, Distribution
from townsquare.catalog.schemas import DatasetSummary, FacetItemOut, SearchOut

pytestmark = pytest.mark.django_db


def bearer(user: Any) -> dict[str, Any]:
    _, secret = token_create(actor=user, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post_json(client: Client, url: str, data: Any, **headers: Any) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def patch_json(client: Client, url: str, data: Any, **headers: Any) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json", **headers)


def create_payload(**overrides: Any) -> dict[str, Any]:
    return {**dataset_values(), "organization": "public-works", **overrides}


def test_search_contract(client: Client, public_works: Any, make_dataset: Any) -> None:
    make_dataset(public_works, title="Street trees", slug="trees")
    make_dataset(public_works, title="Potholes", slug="potholes", description="Road repairs.")
    response = client.get("/api/v1/datasets", {"q": "trees", "page": "1"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    result = body["results"][0]
    assert result["slug"] == "trees"
    assert result["title"] == "Street trees"
    assert result["organization"]["slug"] == "public-works"
    assert result["access_level"] == "public"
    assert set(body["facets"]) == {
        "organization",
        "theme",
        "keyword",
        "format",
        "license",
        "access_level",
        "freshness",
    }
    assert result["freshness"] == {
        "state": "",
        "label": "No schedule",
        "due_at": None,
        "days_late": 0,
    }
    assert body["facets"]["organization"][0] == {
        "value": "public-works",
        "label": "Public Works",
        "count": 1,
        "selected": False,
    }


def test_search_pages_link_to_each_other(
    client: Client, public_works: Any, make_dataset: Any
) -> None:
    for n in range(3):
        make_dataset(public_works, slug=f"d{n}", title=f"Dataset number {n}")
    body = client.get("/api/v1/datasets", {"per_page": "2", "sort": "title"}).json()
    assert body["pages"] == 2 and body["next"].endswith("page=2")
    second = client.get(body["next"]).json()
    assert [r["slug"] for r in second["results"]] == ["d2"]
    assert second["previous"] and second["next"] is None


@pytest.mark.parametrize(
    "params", [{"page": 0}, {"page": "x"}, {"per_page": 1000}, {"sort": "colour"}]
)
def test_bad_search_parameters_are_400_problems(client: Client, params: dict[str, Any]) -> None:
    response = client.get("/api/v1/datasets", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] in {"page", "per_page", "sort"}


def test_public_reads_need_no_token(client: Client, public_works: Any, make_dataset: Any) -> None:
    make_dataset(public_works)
    assert client.get("/api/v1/datasets/building-permits").status_code == 200
    assert client.get("/api/v1/organizations").json()[0]["dataset_count"] == 1


def test_non_public_dataset_is_404_to_outsiders_and_visible_to_members(
    client: Client, public_works: Any, make_dataset: Any, outsider: Any, viewer: Any
) -> None:
    make_dataset(public_works, slug="secret", access_level="non-public", rights="Private.")
    for headers in ({}, bearer(outsider)):
        response = client.get("/api/v1/datasets/secret", **headers)
        assert response.status_code == 404
        assert response.json()["detail"] == "There is no dataset 'secret'."
        assert client.get("/api/v1/datasets/secret/distributions", **headers).status_code == 404
    assert client.get("/api/v1/datasets/secret", **bearer(viewer)).status_code == 200
    counts = client.get("/api/v1/organizations").json()[0]["dataset_count"]
    assert counts == 0


def test_steward_creates_updates_and_deletes_with_a_token(
    client: Client, steward: Any, public_works: Any
) -> None:
    headers = bearer(steward)
    response = post_json(client, "/api/v1/datasets", create_payload(), **headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "building-permits"
    assert body["description_html"].startswith("<p>Every building permit")
    assert body["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    response = patch_json(
        client,
        "/api/v1/datasets/building-permits",
        {"title": "Permits issued", "temporal": None},
        **headers,
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Permits issued"
    assert client.delete("/api/v1/datasets/building-permits", **headers).status_code == 204
    assert not Dataset.objects.exists()


def test_bare_token_header_is_accepted_as_ckan_clients_send_it(
    client: Client, steward: Any, public_works: Any
) -> None:
    _, secret = token_create(actor=steward, user=steward, name="ckanapi")
    response = post_json(client, "/api/v1/datasets", create_payload(), HTTP_AUTHORIZATION=secret)
    assert response.status_code == 201


def test_invalid_metadata_is_400_with_field_errors_and_nothing_saved(
    client: Client, steward: Any, public_works: Any
) -> None:
    response = post_json(
        client,
        "/api/v1/datasets",
        create_payload(contact_email="nope", accrual_periodicity="often", themes=["XX"]),
        **bearer(steward),
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"contact_email", "accrual_periodicity", "themes"} <= fields
    assert not Dataset.objects.exists()


def test_wrong_shapes_are_400_with_field_errors(
    client: Client, steward: Any, public_works: Any
) -> None:
    response = post_json(
        client,
        "/api/v1/datasets",
        {"title": "x", "keywords": "not a list", "colour": "red"},
        **bearer(steward),
    )
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"description", "keywords", "colour", "organization"} <= fields
    response = client.post(
        "/api/v1/datasets", "{not json", content_type="application/json", **bearer(steward)
    )
    assert response.status_code == 400


def test_writes_without_permission(
    client: Client, viewer: Any, outsider: Any, public_works: Any, make_dataset: Any
) -> None:
    make_dataset(public_works)
    assert post_json(client, "/api/v1/datasets", create_payload()).status_code == 403
    response = post_json(client, "/api/v1/datasets", create_payload(), **bearer(viewer))
    assert response.status_code == 403
    assert response.json()["title"] == "Not allowed"
    response = patch_json(
        client, "/api/v1/datasets/building-permits", {"title": "Mine now"}, **bearer(outsider)
    )
    assert response.status_code == 403
    assert Dataset.objects.get().title == "Building permits"


def test_invalid_and_expired_tokens_are_401(client: Client, outsider: Any) -> None:
    response = client.get("/api/v1/datasets", HTTP_AUTHORIZATION="Bearer tsq_forged")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"] == "This API token is not valid or has been revoked."


def test_session_writes_need_a_csrf_token(public_works: Any, steward: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(steward)
    response = post_json(client, "/api/v1/datasets", create_payload())
    assert response.status_code == 403
    assert response.json()["title"] == "CSRF check failed"
    client.get("/datasets")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = post_json(client, "/api/v1/datasets", create_payload(), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_upload_and_download_a_file(
    client: Client, steward: Any, public_works: Any, make_dataset: Any, files_without_review: None
) -> None:
    make_dataset(public_works)
    headers = bearer(steward)
    pdf = b"%PDF-1.4 permit rules"
    upload = SimpleUploadedFile("rules.pdf", pdf, content_type="application/pdf")
    response = client.post(
        "/api/v1/datasets/building-permits/distributions/upload",
        {"file": upload, "title": "Permit rules"},
        **headers,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["format"], body["byte_size"]) == ("Permit rules", "PDF", len(pdf))
    assert Client().get(body["download_url"]).status_code == 404  # the public: not yet
    client.force_login(steward)
    download = client.get(body["download_url"])  # the steward: before the sign-off too
    assert download.status_code == 200
    assert download.getvalue() == pdf
    assert download["Content-Disposition"] == 'attachment; filename="rules.pdf"'
    replaced = client.post(
        f"/api/v1/datasets/building-permits/distributions/{body['id']}/file",
        {"file": SimpleUploadedFile("v2.pdf", b"%PDF-2")},
        **headers,
    )
    assert replaced.json()["byte_size"] == 6
    table = client.post(
        f"/api/v1/datasets/building-permits/distributions/{body['id']}/file",
        {"file": SimpleUploadedFile("v3.csv", b"id\n2\n")},
        **headers,
    )
    assert table.status_code == 400 and table.json()["errors"][0]["field"] == "file"
    # A table uploaded the same way becomes the data table.
    response = client.post(
        "/api/v1/datasets/building-permits/distributions/upload",
        {"file": SimpleUploadedFile("permits.csv", b"id,kind\n1,roof\n")},
        **headers,
    )
    assert response.status_code == 202, response.content
    assert response.json()["version"]["number"] == 1


def test_upload_over_the_limit_is_413_and_leaves_nothing(
    client: Client, settings: Any, steward: Any, public_works: Any, make_dataset: Any, tmp_path: Any
) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    make_dataset(public_works)
    upload = SimpleUploadedFile("big.csv", b"x" * 5000)
    response = client.post(
        "/api/v1/datasets/building-permits/distributions/upload",
        {"file": upload},
        **bearer(steward),
    )
    assert response.status_code == 413
    assert "upload limit" in response.json()["detail"]
    assert not Distribution.objects.exists()
    assert list((tmp_path / "uploads").iterdir()) == []
    assert not default_storage.exists("distributions")


def test_declared_body_over_the_limit_is_refused_before_reading(
    client: Client, settings: Any
) -> None:
    settings.UPLOAD_MAX_BYTES = 10
    response = client.generic(
        "POST",
        "/api/v1/datasets/x/distributions/upload",
        b"x" * 2_000_000,
        content_type="application/octet-stream",
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


def test_links_and_distribution_edits(
    client: Client, steward: Any, public_works: Any, make_dataset: Any
) -> None:
    make_dataset(public_works)
    headers = bearer(steward)
    response = post_json(
        client,
        "/api/v1/datasets/building-permits/distributions",
        {"access_url": "https://gis.town.example/permits"},
        **headers,
    )
    assert response.status_code == 201
    distribution_id = response.json()["id"]
    url = f"/api/v1/datasets/building-permits/distributions/{distribution_id}"
    assert (
        patch_json(client, url, {"title": "Permit map"}, **headers).json()["title"] == "Permit map"
    )
    bad = patch_json(client, url, {"access_url": "javascript:alert(1)"}, **headers)
    assert bad.status_code == 400
    assert client.delete(url, **headers).status_code == 204
    assert client.get(url).status_code == 404


def test_organizations_crud(client: Client, coordinator: Any, steward: Any) -> None:
    headers = bearer(coordinator)
    response = post_json(client, "/api/v1/organizations", {"name": "Fire Department"}, **headers)
    assert response.status_code == 201
    assert response.json()["slug"] == "fire-department"
    assert (
        post_json(
            client, "/api/v1/organizations", {"name": "Fire Department"}, **headers
        ).status_code
        == 400
    )
    assert (
        post_json(
            client, "/api/v1/organizations", {"name": "Police"}, **bearer(steward)
        ).status_code
        == 403
    )
    child = post_json(
        client,
        "/api/v1/organizations",
        {"name": "Fire prevention", "parent": "fire-department"},
        **headers,
    )
    assert child.json()["parent"] == "fire-department"
    assert (
        patch_json(
            client, "/api/v1/organizations/fire-prevention", {"parent": None}, **headers
        ).json()["parent"]
        is None
    )
    assert client.delete("/api/v1/organizations/fire-prevention", **headers).status_code == 204
    assert client.get("/api/v1/organizations/fire-prevention").status_code == 404


def test_script_injection_is_stored_as_text_and_escaped(
    client: Client, steward: Any, public_works: Any
) -> None:
    payload = create_payload(
        title='<script>alert("t")</script>Permits',
        description=(
            'Hello <script>alert("d")</script> [x](javascript:alert(1)) '
            "<img src=x onerror=alert(1)>"
        ),
        keywords=['<b onmouseover="alert(1)">k</b>'],
    )
    body = post_json(client, "/api/v1/datasets", payload, **bearer(steward)).json()
    html = body["description_html"]
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and "<a " not in html
    assert "<img" not in html
    client.force_login(steward)  # a draft: its organization sees it
    page = client.get(f"/datasets/{body['slug']}").content.decode()
    assert '<script>alert("t")' not in page and "&lt;script&gt;alert(&quot;t&quot;)" in page
    assert "<b onmouseover" not in page
    assert 'href="javascript' not in page


def test_vocabularies(client: Client) -> None:
    licenses = client.get("/api/v1/licenses").json()
    assert {
        "id": "CC0-1.0",
        "title": licenses[0]["title"],
        "url": "https://creativecommons.org/publicdomain/zero/1.0/",
    } in licenses
    assert any(theme["code"] == "TRAN" for theme in client.get("/api/v1/themes").json())


def test_openapi_document_and_docs_page(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "Townsquare API"
    assert "/api/v1/datasets" in document["paths"]
    assert "/api/v1/datasets/{slug}/distributions/upload" in document["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_search_response_matches_its_declared_schema(
    client: Client, public_works: Any, make_dataset: Any
) -> None:
    make_dataset(public_works, slug="trees", title="Street trees")
    for params in ({}, {"q": "trees"}, {"q": "nothing-matches"}, {"keyword": "permits"}):
        body = client.get("/api/v1/datasets", params).json()
        SearchOut.model_validate(body)
        assert set(body) == set(SearchOut.model_fields)
        for result in body["results"]:
            assert set(result) == set(DatasetSummary.model_fields)
        for items in body["facets"].values():
            assert all(set(item) == set(FacetItemOut.model_fields) for item in items)
