"""The request of a page behind ``login_required``: its user is a signed-in person."""

from __future__ import annotations

from django.http import HttpRequest

from townsquare.accounts.models import User


class SignedInRequest(HttpRequest):
    user: User  # narrower than HttpRequest's: signed in
