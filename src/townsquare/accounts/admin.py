from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from townsquare.accounts.models import ApiToken, Membership, User


@admin.register(User)
class TownsquareUserAdmin(UserAdmin):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "is_superuser",
        "is_coordinator",
        "is_active",
    )
    list_filter = ("is_superuser", "is_coordinator", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Townsquare", {"fields": ("is_coordinator",)}))  # type: ignore[misc]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "created_at")
    list_filter = ("role", "organization")
    search_fields = ("user__username", "organization__name")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owners; admins can see and revoke, not read secrets."""

    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at")
    search_fields = ("user__username", "name", "prefix")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
