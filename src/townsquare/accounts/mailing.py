"""Which mails each person gets. Mails that answer something the person just did (a password
reset, an invitation, a registration) always go; the kinds below each person turns on or off
on their account's mail page, which every mail links to (core/mail.py adds the link)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from townsquare.accounts.models import User
from townsquare.core import mail

# kind → what the person is choosing, in their words.
KINDS: dict[str, str] = {
    "freshness": "Reminders before and when a dataset I look after is due, and when it is overdue",
    "delinquent": "When a dataset of a department I approve for is delinquent (and, for "
    "coordinators, any department's)",
    "refresh": "When a scheduled refresh of a dataset I look after is held for review or paused",
    "digest": "The weekly digest: what is due, late, waiting for review, and broken links",
    "reviews": "Changes waiting for my sign-off, and the decisions on changes I submitted",
    "access": "Requests for access to restricted data, and the decisions on mine",
    "program": "The launch program: reviews of the purpose and the governance policy",
}


def wants(user: User, kind: str) -> bool:
    return bool(user.is_active and user.email) and kind not in (user.mail_unwanted or [])


def addresses(users: Iterable[User], kind: str) -> list[str]:
    """The email addresses of those of ``users`` who get mails of ``kind``, once each."""
    return sorted({user.email for user in users if wants(user, kind)})


def send(*, users: Iterable[User], kind: str, template: str, context: dict[str, Any]) -> list[str]:
    """Send one mail to those of ``users`` who want ``kind``; the addresses it went to."""
    to = addresses(users, kind)
    if to:
        mail.send_later(to=to, template=template, context=context)
    return to


def unwanted_from_choices(chosen: Sequence[str]) -> list[str]:
    """The kinds left unticked on the mail page."""
    return [kind for kind in KINDS if kind not in chosen]
