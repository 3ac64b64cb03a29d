from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from townsquare.core.errors import PermissionDenied
from townsquare.core.views import domain_errors, run_service
from townsquare.governance import policies, selectors, services
from townsquare.governance.forms import DocumentForm
from townsquare.governance.models import Document


def purpose(request: HttpRequest) -> HttpResponse:
    versions = selectors.document_versions(Document.Kind.PURPOSE)
    return render(
        request,
        "governance/purpose.html",
        {
            "document": versions.first(),
            "versions": versions,
            "can_edit": policies.can_edit_documents(request.user),
        },
    )


@login_required
@domain_errors
def purpose_edit(request: HttpRequest) -> HttpResponse:
    if not policies.can_edit_documents(request.user):
        raise PermissionDenied("Only coordinators and admins edit the purpose statement.")
    current = selectors.current_document(Document.Kind.PURPOSE)
    initial = (
        {"title": current.title, "body": current.body} if current else {"title": "Our purpose"}
    )
    form = DocumentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        revised = run_service(
            form,
            lambda: services.document_revise(
                actor=request.user, kind=Document.Kind.PURPOSE, **form.cleaned_data
            ),
        )
        if revised is not None:
            messages.success(request, "The purpose statement was updated.")
            return redirect("governance:purpose")
    return render(request, "governance/purpose_edit.html", {"form": form})
