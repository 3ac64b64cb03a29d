"""Organization pages: the list, one organization, creating and editing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from townsquare.catalog import policies, search, selectors, services
from townsquare.catalog.forms import (
    OrganizationForm,
)
from townsquare.catalog.views.datasets import search_query
from townsquare.core.errors import PermissionDenied
from townsquare.core.views import domain_errors, run_service


def organization_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "catalog/organizations.html",
        {
            "organizations": selectors.organizations_with_counts(actor=request.user).select_related(
                "parent"
            ),
            "can_create": policies.can_create_organization(request.user),
        },
    )


@domain_errors
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_by_slug(slug)
    query = search_query(request, organization=[organization.slug])
    if "sort" not in request.GET:
        query.sort = "updated"
    results = search.search(
        viewer=selectors.visibility(request.user),
        query=query,
    )
    return render(
        request,
        "catalog/organization.html",
        {
            "organization": organization,
            "results": results,
            "query": query,
            "can_edit": policies.can_edit_organization(request.user, organization),
            "can_add_dataset": policies.can_create_dataset(request.user, organization),
        },
    )


@login_required
@domain_errors
def organization_create(request: HttpRequest) -> HttpResponse:
    if not policies.can_create_organization(request.user):
        raise PermissionDenied("Only coordinators and admins create organizations.")
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        created = run_service(
            form, lambda: services.organization_create(actor=request.user, **values)
        )
        if created is not None:
            messages.success(request, f"Created {created.name}.")
            return redirect("catalog:organization", created.slug)
    return render(request, "catalog/organization_form.html", {"form": form, "organization": None})


@login_required
@domain_errors
def organization_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_by_slug(slug)
    if not policies.can_edit_organization(request.user, organization):
        raise PermissionDenied("Only coordinators and admins edit organizations.")
    fields = ("name", "slug", "description", "email", "homepage")
    initial: dict[str, Any] = {name: getattr(organization, name) for name in fields}
    initial["parent"] = organization.parent.slug if organization.parent else None
    form = OrganizationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.organization_update(
                actor=request.user, organization=organization, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, "Saved.")
            return redirect("catalog:organization", saved.slug)
    return render(
        request, "catalog/organization_form.html", {"form": form, "organization": organization}
    )
