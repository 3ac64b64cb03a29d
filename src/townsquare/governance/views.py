from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from townsquare.accounts.selectors import user_by_username
from townsquare.audit.services import record_refusal
from townsquare.core.errors import DomainError, PermissionDenied
from townsquare.core.views import domain_errors, run_service
from townsquare.governance import policies, selectors, services
from townsquare.governance.forms import DocumentForm, SignatoryForm
from townsquare.governance.models import Document, Signatory

# The address of each kind of document.
PATHS: dict[str, str] = {
    Document.Kind.PURPOSE: "purpose",
    Document.Kind.POLICY: "governance-policy",
}


def document(request: HttpRequest, kind: str) -> HttpResponse:
    history = policies.can_see_document_history(request.user)
    return render(
        request,
        "governance/document.html",
        {
            "kind": kind,
            "kind_label": Document.Kind(kind).label,
            "document": selectors.current_document(kind),
            "versions": selectors.document_versions(kind) if history else [],
            "can_edit": policies.can_edit_documents(request.user),
            "path": PATHS[kind],
        },
    )


@domain_errors
def document_version(request: HttpRequest, kind: str, version: int) -> HttpResponse:
    if not policies.can_see_document_history(request.user):
        raise PermissionDenied("Earlier and pending versions are for the program's staff.")
    found = selectors.document_version(kind, version)
    signed = {s.role for s in found.signatures.all()}
    mine = [
        r["role"]
        for r in found.required
        if r["user_id"] == request.user.pk and r["role"] not in signed
    ]
    newest = selectors.document_versions(kind).first()
    return render(
        request,
        "governance/version.html",
        {
            "kind": kind,
            "path": PATHS[kind],
            "document": found,
            "signed": signed,
            "to_sign": mine if found.effective_at is None and newest == found else [],
            "superseded": newest != found,
        },
    )


@login_required
@require_POST
@domain_errors
def document_sign(request: HttpRequest, kind: str, version: int) -> HttpResponse:
    found = selectors.document_version(kind, version)
    role = request.POST.get("role", "")
    try:
        services.document_sign(actor=request.user, document=found, role=role)
    except DomainError as exc:
        record_refusal(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, f"You signed version {version} as {role}.")
    return redirect(f"governance:{kind}-version", version)


@login_required
@domain_errors
def document_edit(request: HttpRequest, kind: str) -> HttpResponse:
    if not policies.can_edit_documents(request.user):
        raise PermissionDenied("Only coordinators and admins edit the program's documents.")
    current = selectors.document_versions(kind).first()
    initial = (
        {"title": current.title, "body": current.body}
        if current
        else {"title": Document.Kind(kind).label}
    )
    form = DocumentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        revised = run_service(
            form,
            lambda: services.document_revise(actor=request.user, kind=kind, **form.cleaned_data),
        )
        if revised is not None:
            if revised.effective_at:
                messages.success(request, f"Version {revised.version} is in effect.")
            else:
                roles = ", ".join(r["role"] for r in revised.required)
                messages.success(
                    request,
                    f"Version {revised.version} was saved; it takes effect once signed by {roles}.",
                )
            return redirect(f"governance:{kind}-version", revised.version)
    return render(
        request,
        "governance/document_edit.html",
        {
            "form": form,
            "kind_label": Document.Kind(kind).label,
            "signatories": selectors.signatories(kind),
        },
    )


@login_required
@domain_errors
def signatories(request: HttpRequest) -> HttpResponse:
    if not policies.can_edit_documents(request.user):
        raise PermissionDenied(
            "Only coordinators and admins name signatories.",
            attempt="document.signatories" if request.method == "POST" else None,
        )
    form = SignatoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        named = run_service(
            form,
            lambda: services.signatory_set(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                role=form.cleaned_data["role"],
                user=user_by_username(form.cleaned_data["username"]),
            ),
        )
        if named is not None:
            messages.success(request, f"{named.user.username} now signs as {named.role}.")
            return redirect("governance:signatories")
    return render(
        request,
        "governance/signatories.html",
        {"form": form, "signatories": selectors.signatories()},
    )


@login_required
@require_POST
@domain_errors
def signatory_remove(request: HttpRequest, signatory_id: int) -> HttpResponse:
    signatory = Signatory.objects.filter(pk=signatory_id).select_related("user").first()
    if signatory is not None:
        services.signatory_remove(actor=request.user, signatory=signatory)
        messages.success(request, f"{signatory.role} no longer signs.")
    return redirect("governance:signatories")
