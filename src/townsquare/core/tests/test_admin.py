"""The Django admin looks and never touches: what the audit trail records changes only through
the portal's services."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin as django_admin
from django.test import Client, RequestFactory

pytestmark = pytest.mark.django_db


def test_every_model_in_the_admin_is_read_only(admin: Any) -> None:
    request = RequestFactory().get("/admin/")
    request.user = admin
    registered = admin_site_models()
    assert {"user", "membership", "apitoken", "organization", "dataset", "document"} <= {
        m._meta.model_name for m in registered
    }
    for model, model_admin in registered.items():
        assert model_admin.has_view_permission(request), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_add_permission(request, None), (model, inline)
            assert not inline.has_delete_permission(request, None), (model, inline)


def test_an_admin_cannot_change_a_role_in_the_admin(admin: Any, steward: Any) -> None:
    client = Client()
    client.force_login(admin)
    page = f"/admin/accounts/user/{steward.pk}/change/"
    assert client.get(page).status_code == 200  # seen
    response = client.post(page, {"username": steward.username, "is_coordinator": "on"})
    assert response.status_code == 403
    steward.refresh_from_db()
    assert not steward.is_coordinator


def admin_site_models() -> dict[Any, Any]:
    """Townsquare's models in the admin (django-axes' lockouts stay its own business: deleting
    one unlocks an account, and the sign-in failures stay in the audit trail)."""
    return {
        model: model_admin
        for model, model_admin in django_admin.site._registry.items()
        if model.__module__.startswith("townsquare.")
    }
