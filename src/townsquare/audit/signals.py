"""Sign-in successes and failures, from Django's own signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from townsquare.audit.services import record
from townsquare.core.actors import ANONYMOUS
from townsquare.core.addresses import client_address


@receiver(user_login_failed, dispatch_uid="audit-sign-in-failed")
def sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **_: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    address = client_address(request) if request is not None else ""
    record(ANONYMOUS, "auth.sign_in_failed", after={"username": username}, address=address)


@receiver(user_logged_in, dispatch_uid="audit-signed-in")
def signed_in(sender: Any, request: Any, user: Any, **_: Any) -> None:
    record(user, "auth.signed_in", user, address=client_address(request) if request else "")
