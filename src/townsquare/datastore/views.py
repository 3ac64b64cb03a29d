"""The steward's actions on a dataset's data, from its page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from townsquare.catalog.selectors import dataset_for_edit
from townsquare.core.errors import NotFound
from townsquare.core.views import domain_errors
from townsquare.datastore import selectors
from townsquare.datastore.preview import OPERATORS, SIZES, preview
from townsquare.governance import workflow


@domain_errors
@require_http_methods(["GET", "HEAD"])
def original(request: HttpRequest, slug: str) -> FileResponse:
    """The published data table's original file, as it was uploaded: for those who may read
    the data, and only while no column is withheld (the original holds the raw values)."""
    _, version = selectors.readable_data(actor=request.user, slug=slug)
    if not selectors.original_offered(version):
        raise NotFound(
            "The original file is not offered: some of its columns are withheld from "
            "publication. Download the published data instead."
        )
    response = FileResponse(
        default_storage.open(version.original, "rb"),
        as_attachment=True,
        filename=version.source_name,
    )
    response["ETag"] = f'"{version.content_hash}"'
    response["Cache-Control"] = "private, no-cache"
    return response


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
