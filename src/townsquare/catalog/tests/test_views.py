from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from townsquare.catalog import distributions
from townsquare.catalog.models import Dataset, Distribution
from townsquare.core.actors import SYSTEM
from townsquare.datastore.selectors import published_version
from townsquare.governance import services as governance
from townsquare.governance import workflow
from townsquare.governance.tests.helpers import load

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "organization": "public-works",
        "title": "Street trees",
        "description": "Every street tree.",
        "keywords": "trees, forestry",
        "themes": ["ENVI"],
        "contact_name": "Forestry",
        "contact_email": "trees@town.example",
        "license": "CC0-1.0",
        "access_level": "public",
        "accrual_periodicity": "R/P1Y",
        "language": "en",
        "references": "https://town.example/a\nhttps://town.example/b",
    }
    data.update(overrides)
    return data


def test_home_shows_purpose_featured_and_recent(
    client: Client, public_works: Any, make_dataset: Any
) -> None:
    governance.document_revise(
        actor=SYSTEM, kind="purpose", title="Why we share", body="To be **open**."
    )
    make_dataset(public_works, slug="featured-one", title="Featured one", featured=True)
    make_dataset(public_works, slug="recent-one", title="Recent one")
    make_dataset(
        public_works, slug="hidden", title="Hidden one", access_level="non-public", rights="x"
    )
    page = client.get("/").content.decode()
    assert '<h1 id="purpose-heading">Why we share</h1>' in page
    assert "<strong>open</strong>" in page
    assert "Featured one" in page and "Recent one" in page
    assert "Hidden one" not in page
    assert 'role="search"' in page


def test_search_page_with_facets_and_filters(
    client: Client, public_works: Any, parks: Any, make_dataset: Any
) -> None:
    make_dataset(public_works, slug="a", title="Tree pits")
    make_dataset(parks, slug="b", title="Tree plantings", license="CC0-1.0")
    page = client.get("/datasets", {"q": "tree", "organization": "parks"}).content.decode()
    assert "1 dataset for “tree”" in page
    assert "Tree plantings" in page and "Tree pits" not in page
    assert 'aria-label="Remove filter: Parks and Recreation"' in page
    assert client.get("/datasets", {"page": "banana"}).status_code == 200


def test_dataset_page(client: Client, public_works: Any, make_dataset: Any) -> None:
    make_dataset(public_works, description="# Heading\n\nText with a [link](https://town.example).")
    page = client.get("/datasets/building-permits").content.decode()
    assert '<h1 id="dataset-title">Building permits</h1>' in page
    assert "<h2>Heading</h2>" in page  # a Markdown h1 never competes with the page's h1
    assert 'rel="nofollow noopener noreferrer"' in page
    assert "Creative Commons Attribution 4.0" in page
    assert "Monthly" in page
    assert "Edit metadata" not in page


def test_unknown_and_hidden_datasets_are_404_pages(
    client: Client, public_works: Any, make_dataset: Any, outsider: Any
) -> None:
    make_dataset(public_works, slug="secret", access_level="non-public", rights="x")
    assert client.get("/datasets/nope").status_code == 404
    assert signed_in(outsider).get("/datasets/secret").status_code == 404
    assert client.get("/datasets/secret/edit").status_code == 302  # to sign in


def test_steward_creates_a_dataset_through_the_form(public_works: Any, steward: Any) -> None:
    client = signed_in(steward)
    form = client.get("/datasets/new?organization=public-works").content.decode()
    assert "<legend>About the data</legend>" in form
    assert 'name="featured"' not in form  # stewards do not choose featured datasets
    response = client.post("/datasets/new", form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    dataset = Dataset.objects.get()
    assert response["Location"] == "/datasets/street-trees"
    assert dataset.keywords == ["trees", "forestry"]
    assert dataset.references == ["https://town.example/a", "https://town.example/b"]
    assert dataset.themes == ["ENVI"]


def test_form_shows_field_errors_and_saves_nothing(public_works: Any, steward: Any) -> None:
    response = signed_in(steward).post(
        "/datasets/new",
        form_data(contact_email="x", temporal="yesterday", access_level="non-public", rights=""),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid email address." in page
    assert not Dataset.objects.exists()
    response = signed_in(steward).post(
        "/datasets/new", form_data(temporal="yesterday", access_level="non-public", rights="")
    )
    page = response.content.decode()
    assert "ISO 8601 interval" in page and "DCAT-US requires rights" in page
    assert not Dataset.objects.exists()


def test_steward_of_another_organization_cannot_pick_it(
    public_works: Any, parks: Any, steward: Any
) -> None:
    response = signed_in(steward).post("/datasets/new", form_data(organization="parks"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Dataset.objects.exists()


def test_people_without_a_stewardship_get_a_clear_403(outsider: Any) -> None:
    response = signed_in(outsider).get("/datasets/new")
    assert response.status_code == 403
    assert "not a steward of any organization" in response.content.decode()


def test_a_viewer_may_not_edit(public_works: Any, make_dataset: Any, viewer: Any) -> None:
    make_dataset(public_works)
    assert signed_in(viewer).get("/datasets/building-permits/edit").status_code == 403


def test_a_refused_edit_names_the_error_and_changes_nothing(
    public_works: Any, steward: Any, make_dataset: Any
) -> None:
    make_dataset(public_works)
    refused = signed_in(steward).post("/datasets/building-permits/edit", form_data(temporal="soon"))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "ISO 8601 interval" in page
    assert "/datasets/building-permits" in page  # the Cancel link still points at the dataset
    assert Dataset.objects.get().temporal == ""


def test_an_edit_of_a_published_dataset_goes_to_its_working_copy(
    public_works: Any, steward: Any, make_dataset: Any
) -> None:
    make_dataset(public_works)
    client = signed_in(steward)
    data = form_data(title="Permits issued", slug="building-permits")
    assert client.post("/datasets/building-permits/edit", data).status_code == 302
    assert Dataset.objects.get().title == "Building permits"  # published: the public copy stays
    assert Dataset.objects.get().changes.get().metadata["title"] == "Permits issued"
    form = client.get("/datasets/building-permits/edit").content.decode()
    assert 'value="Permits issued"' in form  # the form shows the working copy


def test_a_dataset_is_deleted_only_once_archived(
    public_works: Any, steward: Any, make_dataset: Any
) -> None:
    make_dataset(public_works)
    client = signed_in(steward)
    refused = client.post("/datasets/building-permits/delete")
    assert refused.status_code == 409 and "archive it first" in refused.content.decode()
    assert client.post("/datasets/building-permits/archive").status_code == 302
    assert client.get("/datasets/building-permits/delete").status_code == 200
    assert client.post("/datasets/building-permits/delete").status_code == 302
    assert not Dataset.objects.exists()


def test_a_table_uploaded_on_the_page_becomes_the_data_table(
    public_works: Any,
    steward: Any,
    approver: Any,
    make_dataset: Any,
    files_without_review: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    dataset = make_dataset(public_works)
    upload = SimpleUploadedFile("trees.csv", b"id,species\n1,oak\n", content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(steward).post(
            "/datasets/building-permits/files/new", {"file": upload, "title": "Trees"}
        )
    assert response.status_code == 302 and response["Location"].endswith("#data")
    assert not Distribution.objects.exists()
    version = dataset.data_versions.get()
    assert version.status == "ready"
    workflow.version_choose(actor=SYSTEM, version=version)
    change = workflow.change_submit(actor=steward, dataset=dataset)
    workflow.change_approve(actor=approver, change=change, revision=change.revision)
    assert published_version(dataset) == version


def test_the_original_of_a_published_table_is_offered_for_download(
    public_works: Any, steward: Any, make_dataset: Any, files_without_review: None
) -> None:
    dataset = make_dataset(public_works)
    load(SYSTEM, dataset, b"id,species\n1,oak\n", publish=True)
    page = Client().get("/datasets/building-permits").content.decode()
    assert "No files or links yet" not in page and "Download the original data.csv" in page
    download = Client().get("/datasets/building-permits/data/original")
    assert download.getvalue() == b"id,species\n1,oak\n"
    again = Client().get(download.wsgi_request.path, HTTP_IF_NONE_MATCH=download["ETag"])
    assert again.status_code in (200, 304)


def test_a_document_uploaded_on_the_page_waits_for_a_privacy_officer(
    public_works: Any, steward: Any, make_dataset: Any, files_without_review: None
) -> None:
    make_dataset(public_works)
    client = signed_in(steward)
    pdf = SimpleUploadedFile("rules.pdf", b"%PDF-1.4 rules", content_type="application/pdf")
    assert client.post("/datasets/building-permits/files/new", {"file": pdf}).status_code == 302
    document = Distribution.objects.get()
    assert document.pending and document.privacy == "required"
    url = f"/datasets/building-permits/distributions/{document.pk}/download"
    assert Client().get(url).status_code == 404
    assert client.get(url).getvalue() == b"%PDF-1.4 rules"
    assert "Needs a privacy officer" in client.get("/datasets/building-permits").content.decode()


def test_a_link_to_a_page_is_added_edited_and_deleted_on_pages(
    public_works: Any, steward: Any, make_dataset: Any, files_without_review: None
) -> None:
    make_dataset(public_works)
    client = signed_in(steward)
    response = client.post(
        "/datasets/building-permits/links/new", {"access_url": "https://x.example/api"}
    )
    assert response.status_code == 302
    link = Distribution.objects.get(kind="link")
    assert not link.pending and link.privacy == ""  # this policy does not review metadata
    response = client.post(
        f"/datasets/building-permits/distributions/{link.pk}/edit",
        {"title": "API", "download_url": "", "access_url": "https://x.example/api/v2"},
    )
    assert response.status_code == 302
    assert Distribution.objects.get(pk=link.pk).access_url == "https://x.example/api/v2"
    client.post(f"/datasets/building-permits/distributions/{link.pk}/delete")
    assert not Distribution.objects.exists()


def test_upload_page_over_the_limit_says_so(
    settings: Any, public_works: Any, steward: Any, make_dataset: Any
) -> None:
    settings.UPLOAD_MAX_BYTES = 100
    make_dataset(public_works)
    upload = SimpleUploadedFile("big.csv", b"x" * 1000)
    response = signed_in(steward).post("/datasets/building-permits/files/new", {"file": upload})
    assert response.status_code == 413
    assert "upload limit of 100 bytes" in response.content.decode()
    assert not Distribution.objects.exists()


def test_restricted_files_are_not_downloadable_by_outsiders(
    client: Client, public_works: Any, make_dataset: Any, steward: Any, viewer: Any
) -> None:
    dataset = make_dataset(public_works, access_level="restricted public", rights="Ask the clerk.")
    distribution = distributions.distribution_add_file(
        actor=steward, dataset=dataset, upload=ContentFile(b"x", name="x.pdf"), privacy=""
    )
    url = f"/datasets/{dataset.slug}/distributions/{distribution.pk}/download"
    assert client.get(url).status_code == 302  # anonymous: sign in first
    assert (
        "available to authorized people only"
        in client.get(f"/datasets/{dataset.slug}").content.decode()
    )
    assert signed_in(viewer).get(url).status_code == 200


def test_forms_refuse_forged_posts(public_works: Any, steward: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(steward)
    response = client.post("/datasets/new", form_data())
    assert response.status_code == 403
    assert "security token" in response.content.decode()
    assert not Dataset.objects.exists()


def test_organization_pages(
    client: Client, public_works: Any, make_dataset: Any, coordinator: Any
) -> None:
    make_dataset(public_works)
    assert "Building permits" in client.get("/organizations/public-works").content.decode()
    assert "Public Works" in client.get("/organizations").content.decode()
    assert client.get("/organizations/nope").status_code == 404
    staff = signed_in(coordinator)
    response = staff.post("/organizations/new", {"name": "Library", "description": "Books."})
    assert response.status_code == 302 and response["Location"] == "/organizations/library"
    response = staff.post(
        "/organizations/library/edit",
        {"name": "Public Library", "slug": "library", "parent": "public-works"},
    )
    assert response.status_code == 302
    page = client.get("/organizations/library").content.decode()
    assert "Public Library" in page and "Part of" in page


def test_pages_have_landmarks_and_one_h1(
    client: Client, public_works: Any, make_dataset: Any
) -> None:
    make_dataset(public_works)
    for url in (
        "/",
        "/datasets",
        "/datasets/building-permits",
        "/organizations",
        "/organizations/public-works",
        "/account/sign-in",
        "/purpose",
    ):
        page = client.get(url).content.decode()
        assert page.count("<h1") == 1, url
        assert '<main id="main"' in page and "<header" in page and "<footer" in page, url
        assert 'href="#main"' in page and '<html lang="en">' in page, url
