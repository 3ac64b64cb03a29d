"""Organizations and datasets, read-only: they change on the portal's pages and API, which
keep the search index, the workflow and the audit trail in step."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from townsquare.catalog.models import Dataset, Distribution, Organization
from townsquare.core.admin import ReadOnly


@admin.register(Organization)
class OrganizationAdmin(ReadOnly):
    list_display = ("name", "slug", "parent", "email")
    search_fields = ("name", "slug")


class DistributionInline(admin.TabularInline[Distribution, Dataset]):
    model = Distribution
    extra = 0
    fields = ("title", "kind", "format", "media_type", "byte_size", "download_url", "access_url")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Dataset | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dataset)
class DatasetAdmin(ReadOnly):
    list_display = ("title", "organization", "access_level", "modified", "featured")
    list_filter = ("access_level", "organization", "featured")
    search_fields = ("title", "slug", "identifier")
    inlines = [DistributionInline]
