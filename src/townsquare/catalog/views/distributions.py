"""A dataset's files and links: uploading, linking, editing, deleting and downloading them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from townsquare.catalog import selectors
from townsquare.catalog.forms import (
    DistributionEditForm,
    LinkForm,
)
from townsquare.core.errors import UploadTooLarge
from townsquare.core.uploads import ensure_upload_within_limit
from townsquare.core.views import domain_errors, error_page, run_service
from townsquare.governance import files, workflow
from townsquare.governance.forms import FileForm


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
    assert distribution is not None  # an upload is a version of the data table or a file
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


EDITABLE = (
    "title",
    "description",
    "format",
    "media_type",
    "license",
    "availability",
    "download_url",
    "access_url",
)


@login_required
@domain_errors
def distribution_edit(request: HttpRequest, slug: str, distribution_id: int) -> HttpResponse:
    dataset = selectors.dataset_for_edit(actor=request.user, slug=slug)
    distribution = selectors.distribution_for_view(
        actor=request.user, dataset=dataset, distribution_id=distribution_id
    )
    initial = {name: getattr(distribution, name) for name in EDITABLE}
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
def download(request: HttpRequest, slug: str, distribution_id: int) -> FileResponse:
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
