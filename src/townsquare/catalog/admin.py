from django.contrib import admin

from townsquare.catalog.models import Dataset, Distribution, Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "email")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class DistributionInline(admin.TabularInline):
    model = Distribution
    extra = 0
    fields = ("title", "kind", "format", "media_type", "byte_size", "download_url", "access_url")
    readonly_fields = ("byte_size",)


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    """Read-mostly: edits belong on the portal's own pages, which keep the search index and
    (later) the workflow and audit trail in step."""

    list_display = ("title", "organization", "access_level", "modified", "featured")
    list_filter = ("access_level", "organization", "featured")
    search_fields = ("title", "slug", "identifier")
    inlines = [DistributionInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # deleting goes through the portal, which keeps the search index exact
