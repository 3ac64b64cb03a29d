"""A notice goes once: its key is stored in the transaction that sends it, and a second worker
with the same key finds it taken (the unique key) and sends nothing."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from townsquare.upkeep.models import Notice


def once(key: str, send: Callable[[], list[str]]) -> bool:
    """Send (``send`` returns the addresses it wrote to) unless ``key`` was sent already."""
    if Notice.objects.filter(key=key).exists():
        return False
    try:
        with transaction.atomic():
            notice = Notice.objects.create(key=key)
            notice.recipients = send()
            notice.save(update_fields=["recipients"])
    except IntegrityError:  # another worker took it a moment ago
        return False
    return True
