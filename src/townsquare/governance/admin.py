"""The program's documents, read-only: new versions are written and signed on the portal."""

from django.contrib import admin

from townsquare.core.admin import ReadOnly
from townsquare.governance.models import Document


@admin.register(Document)
class DocumentAdmin(ReadOnly):
    list_display = ("kind", "version", "title", "created_at", "created_by")
    list_filter = ("kind",)
