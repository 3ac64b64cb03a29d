"""A data version's page (its report, its columns, and the steward's withholding of columns),
and the coordinator's quality dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from townsquare.catalog.models import Organization
from townsquare.catalog.selectors import dataset_for_edit, dataset_for_view
from townsquare.core.views import domain_errors
from townsquare.datastore import policies as data_policies
from townsquare.datastore import presenters as data_presenters
from townsquare.datastore import selectors as data_selectors
from townsquare.datastore import services as datastore
from townsquare.datastore.models import DataVersion
from townsquare.datastore.table_schema import TYPES
from townsquare.datastore.templatetags.datastore import TYPE_LABELS
from townsquare.quality import forms, selectors, severity
from townsquare.quality.forms import TREATMENT_CHOICES


@domain_errors
def version(request: HttpRequest, slug: str, version_id: int) -> HttpResponse:
    dataset = dataset_for_view(actor=request.user, slug=slug)
    found = data_selectors.version_for_view(
        actor=request.user, dataset=dataset, version_id=version_id
    )
    editable = data_policies.can_reread_version(request.user, found)
    problems: list[str] = []
    if request.method == "POST":
        dataset_for_edit(actor=request.user, slug=slug)  # anyone else is refused (and audited)
        problems = (
            _reread(request, found)
            if editable
            else ["Only a ready version whose original file is kept can be read again."]
        )
        if not problems:
            return redirect(f"/datasets/{dataset.slug}#data")
    report = selectors.version_report(actor=request.user, dataset=dataset, version=found)
    context = {
        "dataset": dataset,
        "version": found,
        "qr": report,
        "published_id": data_selectors.published_version_id(dataset),
        "published_number": data_selectors.published_version_number(dataset),
        "can_load": data_policies.can_ingest(request.user, dataset),
        "can_read": data_policies.can_read_data(request.user, dataset),
        "editable": editable,
        "columns": forms.columns(found) if editable else None,
        "published_fields": [
            {**f, "label": TYPE_LABELS.get(f["type"], f["type"])} for f in found.fields
        ],
        "types": [(t, TYPE_LABELS.get(t, t)) for t in sorted(TYPES)],
        "treatments": TREATMENT_CHOICES,
        "problems": problems,
        **data_presenters.diff_context(request.user, dataset, found, request.GET),
    }
    return render(request, "quality/version.html", context, status=400 if problems else 200)


def _reread(request: HttpRequest, found: DataVersion) -> list[str]:
    """Read the version again with the columns the steward chose; the problems, if any."""
    try:
        again = datastore.version_reingest(
            actor=request.user, version=found, table_schema=forms.schema_from(request.POST, found)
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            return [m for ms in exc.message_dict.values() for m in ms]
        return list(exc.messages)
    messages.success(
        request,
        f"Version {again.number} is being made from the same file with your columns; "
        "its checks run when it is ready.",
    )
    return []


@login_required
@domain_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    organization = request.GET.get("organization", "")
    rows = selectors.dashboard(actor=request.user, organization=organization)
    return render(
        request,
        "quality/dashboard.html",
        {
            "rows": rows,
            "organizations": Organization.objects.order_by("name"),
            "organization": organization,
            "severities": severity.summary(),
        },
    )
