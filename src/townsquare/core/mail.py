"""Outgoing email. Messages are rendered from a subject/text/html template triple and handed to
the background worker once the surrounding transaction commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from townsquare.core.tasks import send_email

PREFERENCES_PATH = "/account/mail"  # accounts' page where each person chooses their mails


def render(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """``template`` names ``emails/<template>_subject.txt``, ``_body.txt`` and ``_body.html``."""
    base = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "preferences_url": f"{settings.SITE_URL}{PREFERENCES_PATH}",
        **context,
    }
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", base).split())
    text = render_to_string(f"emails/{template}_body.txt", base)
    html = render_to_string(f"emails/{template}_body.html", base)
    return subject, text, html


def send_later(*, to: Sequence[str], template: str, context: dict[str, Any]) -> None:
    subject, text, html = render(template, context)
    send_rendered_later(to=to, subject=subject, text=text, html=html)


def with_footer(text: str, html: str) -> tuple[str, str]:
    """Every message ends with the link to the page where the person chooses their mails."""
    base = {
        "site_name": settings.SITE_NAME,
        "preferences_url": f"{settings.SITE_URL}{PREFERENCES_PATH}",
    }
    text += render_to_string("emails/_footer.txt", base)
    if html:
        html += render_to_string("emails/_footer.html", base)
    return text, html


def send_rendered_later(*, to: Sequence[str], subject: str, text: str, html: str) -> None:
    text, html = with_footer(text, html)
    recipients = [address for address in to if address]
    if recipients:
        transaction.on_commit(
            lambda: send_email.enqueue(to=recipients, subject=subject, text=text, html=html)
        )
