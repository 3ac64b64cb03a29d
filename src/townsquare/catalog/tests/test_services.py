from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from conftest import dataset_values
from townsquare.accounts.services import token_create
from townsquare.audit.tests.helpers import last
from townsquare.catalog import distributions, services
from townsquare.catalog.models import Dataset, DatasetFacet, Distribution
from townsquare.core.actors import SYSTEM
from townsquare.core.errors import Conflict, PermissionDenied, UploadTooLarge
from townsquare.datastore.tests.helpers import ingest
from townsquare.governance import workflow

pytestmark = pytest.mark.django_db


def test_steward_creates_dataset_with_generated_slug_and_identifier(
    steward: Any, public_works: Any
) -> None:
    dataset = services.dataset_create(actor=steward, organization=public_works, **dataset_values())
    assert dataset.slug == "building-permits"
    assert len(dataset.identifier) == 36
    assert dataset.created_by == steward
    again = services.dataset_create(actor=steward, organization=public_works, **dataset_values())
    assert again.slug == "building-permits-2"


def test_only_stewards_of_the_organization_and_coordinators_create(
    public_works: Any,
    parks: Any,
    steward: Any,
    approver: Any,
    viewer: Any,
    outsider: Any,
    coordinator: Any,
    anonymous: Any,
) -> None:
    for actor in (approver, viewer, outsider, anonymous):
        with pytest.raises(PermissionDenied):
            services.dataset_create(actor=actor, organization=public_works, **dataset_values())
    with pytest.raises(PermissionDenied):
        services.dataset_create(actor=steward, organization=parks, **dataset_values())
    assert services.dataset_create(actor=coordinator, organization=parks, **dataset_values())
    assert Dataset.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "This field cannot be blank."),
        ("contact_email", "not-an-email", "Enter a valid email address."),
        ("accrual_periodicity", "every month", "ISO 8601 repeating duration"),
        ("temporal", "2024-12-31/2020-01-01", "start of the interval is after its end"),
        ("temporal", "last year", "ISO 8601 interval"),
        ("language", ["english!"], "RFC 5646"),
        ("themes", ["NOPE"], "Unknown theme"),
        ("license", "my-own", "is not a valid choice"),
        ("references", ["javascript:alert(1)"], "is not an http(s) URL"),
        ("landing_page", "ftp://x.example/", "Enter a valid http(s) URL"),
        ("access_level", "secret", "is not a valid choice"),
        ("slug", "new", "reserved"),
        ("keywords", "a,b", "list of non-empty texts"),
        ("bureau_code", ["15-11"], "does not look like 015:11"),
    ],
)
def test_invalid_metadata_names_the_field_and_saves_nothing(
    steward: Any, public_works: Any, field: str, value: Any, message: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.dataset_create(
            actor=steward, organization=public_works, **dataset_values(**{field: value})
        )
    assert field in excinfo.value.message_dict
    assert message in " ".join(excinfo.value.message_dict[field])
    assert not Dataset.objects.exists()


def test_rights_are_required_unless_public(steward: Any, public_works: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.dataset_create(
            actor=steward, organization=public_works, **dataset_values(access_level="non-public")
        )
    assert "rights" in excinfo.value.message_dict
    dataset = services.dataset_create(
        actor=steward,
        organization=public_works,
        **dataset_values(access_level="non-public", rights="Contains personal data."),
    )
    assert dataset.access_level == "non-public"


def test_unknown_field_is_refused(steward: Any, public_works: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.dataset_create(
            actor=steward, organization=public_works, **dataset_values(colour="red")
        )
    assert "colour" in excinfo.value.message_dict


def test_lists_are_cleaned(steward: Any, public_works: Any) -> None:
    dataset = services.dataset_create(
        actor=steward,
        organization=public_works,
        **dataset_values(keywords=[" Permits", "permits", "", "Housing "], language=["en", "es"]),
    )
    assert dataset.keywords == ["Permits", "Housing"]


def test_update_bumps_modified_and_reindexes(
    steward: Any, public_works: Any, make_dataset: Any
) -> None:
    dataset = make_dataset(public_works)
    before = dataset.modified
    services.dataset_update(actor=steward, dataset=dataset, title="Permits issued")
    dataset.refresh_from_db()
    assert dataset.title == "Permits issued"
    assert dataset.modified > before
    assert dataset.search_document.title == "Permits issued"


def test_only_coordinators_feature(
    steward: Any, coordinator: Any, public_works: Any, make_dataset: Any
) -> None:
    dataset = make_dataset(public_works)
    with pytest.raises(PermissionDenied):
        services.dataset_update(actor=steward, dataset=dataset, featured=True)
    services.dataset_update(actor=coordinator, dataset=dataset, featured=True)
    services.dataset_update(actor=steward, dataset=dataset, featured=True, title="Still featured")
    assert Dataset.objects.get().featured


def test_steward_cannot_move_dataset_to_another_organization(
    steward: Any, public_works: Any, parks: Any, make_dataset: Any
) -> None:
    dataset = make_dataset(public_works)
    with pytest.raises(PermissionDenied):
        services.dataset_update(actor=steward, dataset=dataset, organization=parks)
    assert Dataset.objects.get().organization == public_works


def test_file_distribution_is_stored_with_size_checksum_and_format(
    steward: Any, public_works: Any, make_dataset: Any
) -> None:
    dataset = make_dataset(public_works)
    upload = ContentFile(b"id,name\n1,Main St\n", name="permits.csv")
    distribution = distributions.distribution_add_file(
        actor=steward, dataset=dataset, upload=upload
    )
    assert distribution.format == "CSV"
    assert distribution.media_type == "text/csv"
    assert distribution.byte_size == 18
    assert len(distribution.checksum_sha256) == 64
    assert distribution.title == "permits.csv"
    assert default_storage.exists(distribution.file.name)
    assert distribution.file.name.startswith("distributions/")
    links = DatasetFacet.objects.filter(dataset=dataset, term__facet="format")
    assert [link.term.value for link in links] == ["CSV"]


def test_file_over_the_limit_is_refused_and_nothing_stays(
    settings: Any, steward: Any, public_works: Any, make_dataset: Any
) -> None:
    settings.UPLOAD_MAX_BYTES = 10
    dataset = make_dataset(public_works)
    with pytest.raises(UploadTooLarge):
        distributions.distribution_add_file(
            actor=steward, dataset=dataset, upload=ContentFile(b"x" * 11, name="big.csv")
        )
    assert not Distribution.objects.exists()
    assert not default_storage.exists("distributions")


def test_invalid_distribution_removes_the_stored_file(
    steward: Any, public_works: Any, make_dataset: Any, tmp_path: Any
) -> None:
    dataset = make_dataset(public_works)
    with pytest.raises(ValidationError):
        distributions.distribution_add_file(
            actor=steward,
            dataset=dataset,
            upload=ContentFile(b"a", name="a.csv"),
            media_type="nonsense",
        )
    assert not Distribution.objects.exists()
    stored = list((tmp_path / "files").rglob("*.csv"))
    assert stored == []


def test_link_needs_a_url_and_a_media_type_for_downloads(
    steward: Any, public_works: Any, make_dataset: Any
) -> None:
    dataset = make_dataset(public_works)
    with pytest.raises(ValidationError) as excinfo:
        distributions.distribution_add_link(actor=steward, dataset=dataset, title="Nothing")
    assert "download_url" in excinfo.value.message_dict
    link = distributions.distribution_add_link(
        actor=steward, dataset=dataset, download_url="https://data.town.example/permits.csv"
    )
    assert (link.format, link.media_type, link.title) == ("CSV", "text/csv", "permits.csv")
    with pytest.raises(ValidationError) as excinfo:
        distributions.distribution_add_link(
            actor=steward, dataset=dataset, download_url="https://data.town.example/export"
        )
    assert "media_type" in excinfo.value.message_dict


def test_replacing_a_file_removes_the_old_one_after_commit(
    steward: Any, public_works: Any, make_dataset: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dataset = make_dataset(public_works)
    distribution = distributions.distribution_add_file(
        actor=steward, dataset=dataset, upload=ContentFile(b"a,b\n1,2\n", name="v1.csv")
    )
    old_name = distribution.file.name
    with django_capture_on_commit_callbacks(execute=True):
        distributions.distribution_update(
            actor=steward,
            distribution=distribution,
            upload=ContentFile(b"a,b\n3,4\n", name="v2.csv"),
        )
    assert not default_storage.exists(old_name)
    assert default_storage.exists(Distribution.objects.get().file.name)


def test_deleting_a_dataset_deletes_its_files(
    steward: Any, public_works: Any, make_dataset: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dataset = make_dataset(public_works)
    distribution = distributions.distribution_add_file(
        actor=steward, dataset=dataset, upload=ContentFile(b"x", name="x.pdf")
    )
    services.dataset_set_state(actor=SYSTEM, dataset=dataset, state="archived")
    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_delete(actor=steward, dataset=dataset)
    assert not default_storage.exists(distribution.file.name)
    assert not Dataset.objects.exists()


def test_organization_with_datasets_cannot_be_deleted(
    coordinator: Any, public_works: Any, make_dataset: Any
) -> None:
    make_dataset(public_works)
    with pytest.raises(Conflict):
        services.organization_delete(actor=coordinator, organization=public_works)


def test_organization_cannot_be_its_own_ancestor(
    coordinator: Any, public_works: Any, parks: Any
) -> None:
    services.organization_update(actor=coordinator, organization=parks, parent=public_works)
    with pytest.raises(ValidationError):
        services.organization_update(actor=coordinator, organization=public_works, parent=parks)


def test_renaming_an_organization_reindexes_its_datasets(
    coordinator: Any, public_works: Any, make_dataset: Any
) -> None:
    dataset = make_dataset(public_works)
    services.organization_update(
        actor=coordinator, organization=public_works, name="Streets Department"
    )
    dataset.search_document.refresh_from_db()
    assert dataset.search_document.organization == "Streets Department"


def test_system_actor_may_do_anything(public_works: Any) -> None:
    dataset = services.dataset_create(actor=SYSTEM, organization=public_works, **dataset_values())
    assert dataset.created_by is None


def test_a_dataset_with_data_is_deleted_once_archived_and_its_files_go_with_it(
    public_works: Any, steward: Any, make_dataset: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dataset = make_dataset(public_works, slug="roads", title="Roads")
    version = ingest(dataset, "roads.csv", b"road,km\nMain,3\n")
    assert dataset.published_data.version == version
    _, secret = token_create(actor=steward, user=steward, name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    refused = api.delete("/api/v1/datasets/roads")
    assert refused.status_code == 409 and "archive it first" in refused.json()["detail"]
    page = Client()
    page.force_login(steward)
    assert page.post("/datasets/roads/delete").status_code == 409
    workflow.dataset_archive(actor=steward, dataset=dataset)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete("/api/v1/datasets/roads").status_code == 204
    assert not Dataset.objects.filter(slug="roads").exists()
    assert not default_storage.exists(version.original)
    assert not default_storage.exists(version.parquet)
    event = last("dataset.deleted")
    assert event.actor == "steward" and event.before["title"] == "Roads"
    # The page path deletes an archived dataset with data too.
    other = make_dataset(public_works, slug="trees", title="Trees")
    ingest(other, "trees.csv", b"id\n1\n")
    workflow.dataset_archive(actor=steward, dataset=other)
    assert page.post("/datasets/trees/delete").status_code == 302
    assert not Dataset.objects.filter(slug="trees").exists()
