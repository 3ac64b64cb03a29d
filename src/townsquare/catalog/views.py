"""Catalog pages. Each view loads what it shows through selectors, hands writes to one
service, and renders; permissions are the policies' call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from townsquare.accounts import policies as audit_policies
from townsquare.catalog import policies, search, selectors, services
from townsquare.catalog.forms import (
    DatasetForm,
    DistributionEditForm,
    LinkForm,
    OrganizationForm,
)
from townsquare.catalog.vocabularies import FREQUENCY_LABELS, LICENSES_BY_ID, THEMES_BY_CODE
from townsquare.core.errors import PermissionDenied, UploadTooLarge
from townsquare.core.uploads import ensure_upload_within_limit
from townsquare.core.views import domain_errors, error_page, run_service
from townsquare.governance import files, workflow
from townsquare.governance.forms import FileForm
from townsquare.governance.models import Document
from townsquare.governance.selectors import current_document, own_access_request

FACET_TITLES = {
    "organization": "Organization",
    "theme": "Theme",
    "keyword": "Keyword",
    "format": "Format",
    "license": "License",
    "access_level": "Access level",
}


def home(request: HttpRequest) -> HttpResponse:
    actor = request.user
    return render(
        request,
        "catalog/home.html",
        {
            "purpose": current_document(Document.Kind.PURPOSE),
            "featured": selectors.featured_datasets(actor=actor),
            "recent": selectors.recently_updated(actor=actor),
            "organizations": [
                o for o in selectors.organizations_with_counts(actor=actor) if o.dataset_count
            ],
        },
    )


def _search_query(request: HttpRequest, **fixed: list[str]) -> search.Query:
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
    query = _search_query(request)
    results = search.search(
        hidden=selectors.datasets_hidden_from(request.user),
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
            "access_request": own_access_request(actor=request.user, dataset=dataset),
            "can_submit": can_edit
            and (
                change.status in ("draft", "rejected") if change else dataset.state != "published"
            ),
            "can_read_history": audit_policies.can_read_events_of(
                request.user, dataset.organization_id
            ),
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
def dataset_create(request: HttpRequest) -> HttpResponse:
    form = _dataset_form(
        request,
        initial={
            "organization": request.GET.get("organization"),
            "language": ["en"],
            "contact_name": request.user.get_full_name(),
            "contact_email": request.user.email,
        },
    )
    if not form.fields["organization"].queryset.exists():  # type: ignore[attr-defined]
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


@login_required
@domain_errors
def distribution_upload(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = selectors.dataset_for_edit(actor=request.user, slug=slug)
    form = FileForm()
    if request.method == "POST":
        try:
            ensure_upload_within_limit(request)
        except UploadTooLarge as exc:
            return error_page(request, 413, exc.message)
        form = FileForm(request.POST, request.FILES)
        if form.is_valid():
            upload, options, values = form.split()
            added = run_service(
                form,
                lambda: files.file_add(
                    actor=request.user, dataset=dataset, upload=upload, options=options, **values
                ),
            )
            if added is not None:
                return _added(request, dataset, added)
    return render(
        request,
        "catalog/distribution_form.html",
        {"form": form, "dataset": dataset, "heading": "Upload a file", "multipart": True},
    )


def _added(request: HttpRequest, dataset: Any, added: files.Added) -> HttpResponse:
    """Say what the file or link became, on the dataset's page."""
    if added.version is not None:
        created = added.version
        if created.duplicate_of is not None:
            messages.info(
                request,
                f"This file is identical to version {created.duplicate_of.number} of the data "
                "table; nothing new was loaded.",
            )
        else:
            messages.success(
                request,
                f"It is a table: it becomes version {created.version.number} of the data table, "
                "checked and scanned for personal data while it loads. The current version stays "
                "published until the new one is ready (and approved, if the policy says so).",
            )
        return redirect(f"/datasets/{dataset.slug}#data")
    distribution = added.distribution
    held = _held(distribution)
    if distribution.privacy == "required":
        held += " A privacy officer signs it off before the public sees it."
    messages.success(request, f"“{distribution.title}” was added.{held}")
    return redirect("catalog:dataset", dataset.slug)


def _held(distribution: Any) -> str:
    if not distribution.pending:
        return ""
    return " It is in the working copy: the public sees it once the change is approved."


@login_required
@domain_errors
def distribution_link(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = selectors.dataset_for_edit(actor=request.user, slug=slug)
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        added = run_service(
            form,
            lambda: files.link_add(actor=request.user, dataset=dataset, **form.cleaned_data),
        )
        if added is not None:
            return _added(request, dataset, added)
    return render(
        request,
        "catalog/distribution_form.html",
        {"form": form, "dataset": dataset, "heading": "Add a link"},
    )


@login_required
@domain_errors
def distribution_edit(request: HttpRequest, slug: str, distribution_id: int) -> HttpResponse:
    dataset = selectors.dataset_for_edit(actor=request.user, slug=slug)
    distribution = selectors.distribution_for_view(
        actor=request.user, dataset=dataset, distribution_id=distribution_id
    )
    fields = (
        "title",
        "description",
        "format",
        "media_type",
        "license",
        "availability",
        "download_url",
        "access_url",
    )
    initial = {name: getattr(distribution, name) for name in fields}
    form = DistributionEditForm(initial=initial, distribution=distribution)
    if request.method == "POST":
        try:
            ensure_upload_within_limit(request)
        except UploadTooLarge as exc:
            return error_page(request, 413, exc.message)
        form = DistributionEditForm(request.POST, request.FILES, distribution=distribution)
        if form.is_valid():
            values = dict(form.cleaned_data)
            upload = values.pop("file", None)
            saved = run_service(
                form,
                lambda: files.distribution_change(
                    actor=request.user, distribution=distribution, upload=upload, **values
                ),
            )
            if saved is not None:
                messages.success(request, "Saved." + _held(saved))
                return redirect("catalog:dataset", dataset.slug)
    return render(
        request,
        "catalog/distribution_form.html",
        {
            "form": form,
            "dataset": dataset,
            "heading": f"Edit “{distribution.title}”",
            "multipart": "file" in form.fields,
        },
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def distribution_delete(request: HttpRequest, slug: str, distribution_id: int) -> HttpResponse:
    dataset = selectors.dataset_for_edit(actor=request.user, slug=slug)
    distribution = selectors.distribution_for_view(
        actor=request.user, dataset=dataset, distribution_id=distribution_id
    )
    if request.method == "POST":
        files.distribution_remove(actor=request.user, distribution=distribution)
        if workflow.open_change(dataset) and not distribution.pending:
            messages.success(
                request,
                f"“{distribution.title}” will be removed when the working copy is approved.",
            )
        else:
            messages.success(request, f"Removed “{distribution.title}”.")
        return redirect("catalog:dataset", dataset.slug)
    return render(
        request,
        "catalog/confirm_delete.html",
        {"object": distribution, "kind": "file or link", "cancel": dataset},
    )


@domain_errors
@require_http_methods(["GET", "HEAD"])
def download(request: HttpRequest, slug: str, distribution_id: int) -> HttpResponse:
    distribution = selectors.distribution_for_download(
        actor=request.user, slug=slug, distribution_id=distribution_id
    )
    response = FileResponse(
        default_storage.open(distribution.file.name, "rb"),
        as_attachment=True,
        filename=distribution.filename,
        content_type=distribution.media_type or None,
    )
    if distribution.checksum_sha256:
        response["ETag"] = f'"{distribution.checksum_sha256}"'
    response["Cache-Control"] = (
        "private, no-cache"
        if distribution.dataset.access_level != "public"
        else "public, max-age=300"
    )
    return response


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
    query = _search_query(request, organization=[organization.slug])
    if "sort" not in request.GET:
        query.sort = "updated"
    results = search.search(
        hidden=selectors.datasets_hidden_from(request.user),
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
