from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from townsquare.core.actors import Actor
from townsquare.core.errors import NotFound
from townsquare.governance.models import Document, Signatory, Signature


def current_document(kind: str) -> Document | None:
    """The newest version in effect."""
    return (
        Document.objects.filter(kind=kind, effective_at__isnull=False).order_by("-version").first()
    )


def document_versions(kind: str) -> QuerySet[Document]:
    return (
        Document.objects.filter(kind=kind)
        .select_related("created_by")
        .prefetch_related(Prefetch("signatures", queryset=Signature.objects.order_by("signed_at")))
        .order_by("-version")
    )


def document_version(kind: str, version: int) -> Document:
    document = document_versions(kind).filter(version=version).first()
    if document is None:
        raise NotFound(f"There is no version {version} of this document.")
    return document


def signatories(kind: str | None = None) -> QuerySet[Signatory]:
    found = Signatory.objects.select_related("user")
    return found.filter(kind=kind) if kind else found


def awaiting_signature(*, actor: Actor) -> list[tuple[Document, str]]:
    """The newest pending versions that need the actor's signature, with the role."""
    if actor is None or getattr(actor, "pk", None) is None:
        return []
    waiting = []
    for kind in Document.Kind.values:
        newest = document_versions(kind).first()
        if newest is None or newest.effective_at is not None:
            continue
        signed = {s.role for s in newest.signatures.all()}
        for needed in newest.required:
            if needed["user_id"] == actor.pk and needed["role"] not in signed:
                if newest.created_by_id != actor.pk:
                    waiting.append((newest, needed["role"]))
    return waiting
