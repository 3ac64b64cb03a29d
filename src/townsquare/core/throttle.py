"""Rate limits: how many requests of a kind one client may make in a window, counted in the
cache (per process by default; shared by every process with TOWNSQUARE_CACHE_URL). Each rule
is a setting "N/s", "N/m" or "N/h" ("0": off); a request past it gets 429 with Retry-After.

Rules: ``api`` (every API request, per client address), ``api_sql`` and ``api_records``
(queries, exports and SQL, which cost the most), ``bad_token`` (requests whose API token is
unknown, expired or revoked: a guessing client is stopped), ``password_reset`` and
``registration`` (emails sent, per address and per email address)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from townsquare.core.errors import DomainError

UNITS = {"s": 1, "m": 60, "h": 3600}


class RateLimited(DomainError):
    status = 429
    title = "Too many requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Rate:
    limit: int  # 0: no limit
    window: int  # seconds

    @classmethod
    def parse(cls, text: str, name: str = "rate") -> Rate:
        text = text.strip().lower()
        if text in ("", "0", "off"):
            return cls(0, 1)
        count, _, unit = text.partition("/")
        if not count.isdigit() or unit not in UNITS:
            raise ImproperlyConfigured(
                f"{name} must look like 600/m (a number per s, m or h) or 0 for none: {text!r}."
            )
        return cls(int(count), UNITS[unit])


def rate(rule: str) -> Rate:
    return Rate.parse(settings.RATE_LIMITS.get(rule, "0"), rule)


def hit(rule: str, who: str) -> None:
    """Count one request of ``rule`` by ``who``; RateLimited once past the limit."""
    found = rate(rule)
    if not found.limit:
        return
    window = int(time.time()) // found.window
    key = f"townsquare:rate:{rule}:{who}:{window}"
    cache.add(key, 0, timeout=found.window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=found.window + 1)
        count = 1
    if count > found.limit:
        wait = found.window - int(time.time()) % found.window
        raise RateLimited(
            f"Too many requests of this kind from you ({found.limit} per "
            f"{_per(found.window)} at most): try again in {wait} seconds.",
            retry_after=wait,
        )


def over(rule: str, who: str) -> bool:
    """Whether ``who`` is already past the limit of ``rule`` (without counting a request)."""
    found = rate(rule)
    if not found.limit:
        return False
    window = int(time.time()) // found.window
    return int(cache.get(f"townsquare:rate:{rule}:{who}:{window}", 0)) >= found.limit


def _per(window: int) -> str:
    return {1: "second", 60: "minute", 3600: "hour"}.get(window, f"{window} seconds")
