from __future__ import annotations

from django.db.models import QuerySet

from townsquare.governance.models import Document


def current_document(kind: str) -> Document | None:
    return Document.objects.filter(kind=kind).order_by("-version").first()


def document_versions(kind: str) -> QuerySet[Document]:
    return Document.objects.filter(kind=kind).select_related("created_by").order_by("-version")
