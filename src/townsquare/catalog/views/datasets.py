"""Dataset pages: the home page, search, a dataset, and creating, editing and deleting one.
Each view loads what it shows through selectors, hands writes to one service, and renders;
permissions are the policies' call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from townsquare.accounts import policies as audit_policies
from townsquare.accounts.http import SignedInRequest
from townsquare.catalog import policies, search, selectors, services
from townsquare.catalog.forms import (
    DatasetForm,
)
from townsquare.catalog.vocabularies import FREQUENCY_LABELS, LICENSES_BY_ID, THEMES_BY_CODE
from townsquare.core.errors import PermissionDenied
from townsquare.core.views import domain_errors, run_service
from townsquare.governance import workflow
from townsquare.governance.models import Document
from townsquare.governance.selectors import current_document
from townsquare.interop import rdf_views, schema_org
from townsquare.readiness import selectors as readiness_selectors

FACET_TITLES = {
    "organization": "Organization",
    "theme": "Theme",
    "keyword": "Keyword",
    "format": "Format",
    "license": "License",
    "access_level": "Access level",
    "freshness": "Freshness",
}


def home(request: HttpRequest) -> HttpResponse:
    actor = request.user
    return render(
        request,
        "catalog/home.html",
        {
            "purpose": current_document(Document.Kind.PURPOSE),
            "announcement": readiness_selectors.announcements_shown().first(),
            "featured": selectors.featured_datasets(actor=actor),
            "recent": selectors.recently_updated(actor=actor),
            "organizations": [
                o for o in selectors.organizations_with_counts(actor=actor) if o.dataset_count
            ],
        },
    )


def search_query(request: HttpRequest, **fixed: list[str]) -> search.Query:
    def number(name: str, default: int, upper: int) -> int:
        try:
            return min(max(int(request.GET.get(name, default)), 1), upper)
        except ValueError:
            return default

    filters = {facet: request.GET.getlist(facet) for facet in search.FACETS}
    filters.update(fixed)
    return search.Query(
        text=request.GET.get("q", "")[:200],
        filters=filters,
        sort=request.GET.get("sort", "relevance"),
        page=number("page", 1, 10_000),
        per_page=number("per_page", 20, 100),
    )


def dataset_search(request: HttpRequest) -> HttpResponse:
    query = search_query(request)
    results = search.search(
        viewer=selectors.visibility(request.user),
        query=query,
    )
    return render(
        request,
        "catalog/search.html",
        {
            "query": query,
            "results": results,
            "facet_sections": [
                (f, FACET_TITLES[f], results.facets.get(f, [])) for f in search.FACETS
            ],
            "sort": query.sort if query.sort in search.SORTS else "relevance",
        },
    )


@domain_errors
def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = selectors.dataset_for_view(actor=request.user, slug=slug)
    rdf = rdf_views.rdf_for(request, dataset)  # DCAT-AP, for a client that asks for RDF
    if rdf is not None:
        return rdf
    can_edit = policies.can_edit_dataset(request.user, dataset)
    insider = can_edit or audit_policies.can_read_events_of(request.user, dataset.organization_id)
    change = workflow.open_change(dataset) if insider else None
    return render(
        request,
        "catalog/dataset.html",
        {
            "dataset": dataset,
            "distributions": selectors.distributions_of(dataset=dataset, actor=request.user),
            "license": LICENSES_BY_ID.get(dataset.license),
            "themes": [THEMES_BY_CODE[c] for c in dataset.themes if c in THEMES_BY_CODE],
            "frequency": FREQUENCY_LABELS.get(
                dataset.accrual_periodicity, dataset.accrual_periodicity
            ),
            "can_edit": can_edit,
            "can_download": policies.can_download_files(request.user, dataset),
            "change": change,
            "can_request_access": policies.can_request_access(request.user, dataset),
            "access_request": selectors.access_request_own(actor=request.user, dataset=dataset),
            "can_submit": can_edit
            and (
                change.status in ("draft", "rejected") if change else dataset.state != "published"
            ),
            "can_read_history": audit_policies.can_read_events_of(
                request.user, dataset.organization_id
            ),
            "jsonld": schema_org.script(dataset),
        },
    )


def _dataset_form(request: HttpRequest, **kwargs: Any) -> DatasetForm:
    return DatasetForm(
        request.POST or None,
        organizations=selectors.organizations_where_actor_publishes(actor=request.user),
        can_feature=policies.can_feature_dataset(request.user),
        **kwargs,
    )


@login_required
@domain_errors
def dataset_create(request: SignedInRequest) -> HttpResponse:
    form = _dataset_form(
        request,
        initial={
            "organization": request.GET.get("organization"),
            "language": ["en"],
            "contact_name": request.user.get_full_name(),
            "contact_email": request.user.email,
        },
    )
    if not form.organizations.exists():
        raise PermissionDenied("You are not a steward of any organization yet; ask a coordinator.")
    if request.method == "POST" and form.is_valid():
        organization = form.cleaned_data["organization"]
        created = run_service(
            form,
            lambda: workflow.dataset_create(
                actor=request.user, organization=organization, **form.values()
            ),
        )
        if created is not None:
            messages.success(request, f"Created “{created.title}”. Add its files next.")
            return redirect("catalog:dataset", created.slug)
    return render(request, "catalog/dataset_form.html", {"form": form, "dataset": None})


@login_required
@domain_errors
def dataset_edit(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = selectors.dataset_for_edit(actor=request.user, slug=slug)
    change = workflow.open_change(dataset)
    initial = DatasetForm.initial_for(
        dataset,
        proposed=change.metadata if change else None,
        based_on=workflow.edit_token(dataset, change),
    )
    form = _dataset_form(request, initial=initial, dataset=dataset)
    if request.method == "POST" and form.is_valid():
        organization = form.cleaned_data["organization"]
        edited = run_service(
            form,
            lambda: workflow.dataset_edit(
                actor=request.user,
                dataset=dataset,
                based_on=form.cleaned_data.get("based_on") or None,
                organization=organization,
                **form.values(),
            ),
        )
        if edited is not None:
            if edited.change is None:
                messages.success(request, "Saved.")
            else:
                messages.success(
                    request,
                    "Saved to the working copy; the public still sees the published version. "
                    "Submit it for review when it is ready.",
                )
            return redirect("catalog:dataset", edited.dataset.slug)
    return render(
        request,
        "catalog/dataset_form.html",
        {"form": form, "dataset": dataset, "working_copy": dataset.state == "published"},
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def dataset_delete(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = selectors.dataset_for_edit(actor=request.user, slug=slug)
    if request.method == "POST":
        organization = dataset.organization
        services.dataset_delete(actor=request.user, dataset=dataset)
        messages.success(request, f"Deleted “{dataset.title}”.")
        return redirect("catalog:organization", organization.slug)
    return render(
        request,
        "catalog/confirm_delete.html",
        {"object": dataset, "kind": "dataset", "cancel": dataset},
    )
