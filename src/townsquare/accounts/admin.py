"""People, memberships and tokens, read-only: roles change on the People and Members pages
(or `townsquare siterole` / `member`), tokens on the owner's page; all audited."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from townsquare.accounts.models import ApiToken, Membership, User
from townsquare.core.admin import ReadOnly

admin.site.unregister(Group)  # roles are Townsquare's own (site roles, memberships), not groups


@admin.register(User)
class TownsquareUserAdmin(UserAdmin[User]):
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
    # The stubs type UserAdmin.fieldsets as optional; Django always sets it.
    fieldsets = (*UserAdmin.fieldsets, ("Townsquare", {"fields": ("is_coordinator",)}))  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(ReadOnly):
    list_display = ("user", "organization", "role", "created_at")
    list_filter = ("role", "organization")
    search_fields = ("user__username", "organization__name")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnly):
    """Tokens are created and revoked by their owners; the admin never shows secrets."""

    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    exclude = ("key_hash",)
    search_fields = ("user__username", "name", "prefix")
