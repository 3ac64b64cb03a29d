"""The permission matrix, persona by persona."""

from __future__ import annotations

from typing import Any

import pytest

from townsquare.accounts import policies as accounts
from townsquare.catalog import policies as catalog
from townsquare.catalog.models import Dataset
from townsquare.catalog.selectors import datasets_hidden_from, datasets_visible_to
from townsquare.core.actors import SYSTEM

pytestmark = pytest.mark.django_db

PERSONAS = ["admin", "coordinator", "steward", "approver", "viewer", "outsider", "anonymous"]


@pytest.fixture
def people(request: Any) -> dict[str, Any]:
    return {name: request.getfixturevalue(name) for name in PERSONAS}


def allowed(people: dict[str, Any], check: Any) -> set[str]:
    return {name for name, actor in people.items() if check(actor)}


def test_site_roles(people: dict[str, Any]) -> None:
    assert allowed(people, accounts.is_admin) == {"admin"}
    assert allowed(people, accounts.is_coordinator) == {"admin", "coordinator"}
    assert allowed(people, accounts.can_set_site_role) == {"admin"}
    assert allowed(people, accounts.can_create_user) == {"admin", "coordinator"}
    assert accounts.is_admin(SYSTEM) and accounts.is_coordinator(SYSTEM)


def test_organization_roles(people: dict[str, Any], public_works: Any) -> None:
    org = public_works.pk
    assert allowed(people, lambda a: accounts.is_member(a, org)) == {
        "steward",
        "approver",
        "viewer",
    }
    assert allowed(people, lambda a: accounts.can_manage_members(a, org)) == {
        "admin",
        "coordinator",
    }


def test_dataset_permissions(
    people: dict[str, Any], public_works: Any, parks: Any, make_dataset: Any
) -> None:
    public = make_dataset(public_works, slug="public")
    restricted = make_dataset(
        public_works, slug="restricted", access_level="restricted public", rights="Ask."
    )
    secret = make_dataset(public_works, slug="secret", access_level="non-public", rights="Private.")
    elsewhere = make_dataset(parks, slug="elsewhere", access_level="non-public", rights="Private.")
    everyone = set(PERSONAS)
    insiders = {"admin", "coordinator", "steward", "approver", "viewer"}
    editors = {"admin", "coordinator", "steward"}
    assert allowed(people, lambda a: catalog.can_view_dataset(a, public)) == everyone
    assert allowed(people, lambda a: catalog.can_view_dataset(a, restricted)) == everyone
    assert allowed(people, lambda a: catalog.can_view_dataset(a, secret)) == insiders
    assert allowed(people, lambda a: catalog.can_view_dataset(a, elsewhere)) == {
        "admin",
        "coordinator",
    }
    assert allowed(people, lambda a: catalog.can_download_files(a, public)) == everyone
    assert allowed(people, lambda a: catalog.can_download_files(a, restricted)) == insiders
    assert allowed(people, lambda a: catalog.can_edit_dataset(a, public)) == editors
    assert allowed(people, lambda a: catalog.can_edit_dataset(a, elsewhere)) == {
        "admin",
        "coordinator",
    }
    assert allowed(people, lambda a: catalog.can_create_dataset(a, public_works)) == editors
    assert allowed(people, lambda a: catalog.can_create_dataset(a, parks)) == {
        "admin",
        "coordinator",
    }
    assert allowed(people, catalog.can_feature_dataset) == {"admin", "coordinator"}
    assert allowed(people, catalog.can_create_organization) == {"admin", "coordinator"}


def test_inactive_accounts_have_no_rights(coordinator: Any) -> None:
    coordinator.is_active = False
    assert not accounts.is_coordinator(coordinator)


def test_visible_and_hidden_datasets_partition_the_catalog(
    people: dict[str, Any], public_works: Any, parks: Any, make_dataset: Any
) -> None:
    make_dataset(public_works, slug="open")
    make_dataset(public_works, slug="ours", access_level="non-public", rights="x")
    make_dataset(parks, slug="theirs", access_level="non-public", rights="x")
    make_dataset(parks, slug="ask", access_level="restricted public", rights="x")
    everything = set(Dataset.objects.values_list("slug", flat=True))
    for name, actor in people.items():
        visible = set(datasets_visible_to(actor).values_list("slug", flat=True))
        hidden = set(datasets_hidden_from(actor).values_list("slug", flat=True))
        assert visible | hidden == everything and not visible & hidden, name
        assert {
            d.slug for d in Dataset.objects.all() if catalog.can_view_dataset(actor, d)
        } == visible
