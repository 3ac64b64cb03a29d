"""The steward's actions on a dataset's data, from its page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from townsquare.catalog.selectors import dataset_for_edit
from townsquare.core.errors import UploadTooLarge
from townsquare.core.uploads import ensure_upload_within_limit
from townsquare.core.views import domain_errors, error_page, run_service
from townsquare.datastore import selectors, services
from townsquare.datastore.forms import LoadForm
from townsquare.datastore.preview import OPERATORS, SIZES, preview
from townsquare.governance import workflow


@login_required
@domain_errors
@require_POST
def load(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_for_edit(actor=request.user, slug=slug)
    try:
        ensure_upload_within_limit(request)
    except UploadTooLarge as exc:
        return error_page(request, 413, exc.message)
    form = LoadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("catalog:dataset", dataset.slug)
    options = {k: v for k, v in form.cleaned_data.items() if k != "file"}
    created = run_service(
        form,
        lambda: services.version_create(
            actor=request.user, dataset=dataset, upload=form.cleaned_data["file"], options=options
        ),
    )
    if created is None:
        messages.error(request, " ".join(form.non_field_errors()))
    elif created.duplicate_of:
        messages.info(
            request,
            f"This file is identical to version {created.duplicate_of.number}; "
            "nothing new was ingested.",
        )
    else:
        messages.success(request, f"Version {created.version.number} is being ingested.")
    return redirect(f"/datasets/{dataset.slug}#data")


@login_required
@domain_errors
@require_POST
def publish(request: HttpRequest, slug: str, version_id: int) -> HttpResponse:
    dataset = dataset_for_edit(actor=request.user, slug=slug)
    version = selectors.version_for_view(actor=request.user, dataset=dataset, version_id=version_id)
    if workflow.version_choose(actor=request.user, version=version) is None:
        messages.success(request, f"Version {version.number} is now the published data.")
    else:
        messages.success(
            request,
            f"Version {version.number} is in the working copy: submit it for review to publish it.",
        )
    return redirect(f"/datasets/{dataset.slug}#data")


@domain_errors
def rows(request: HttpRequest, slug: str) -> HttpResponse:
    """The published rows: a page at a time, sortable, with one filter and a word search."""
    dataset, version = selectors.readable_data(actor=request.user, slug=slug)
    state = preview(version, request.GET)
    return render(
        request,
        "datastore/rows.html",
        {
            "dataset": dataset,
            "version": version,
            "state": state,
            "operators": OPERATORS,
            "sizes": SIZES,
            "exports": ["csv", "json", "xlsx"],
            "export_query": state.export_query,
        },
    )
