"""Each person chooses which mails they get; every mail links to that page; the mails that
answer what the person just did always go."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client

from conftest import dataset_values
from townsquare.accounts import mailing, services
from townsquare.audit.tests.helpers import last
from townsquare.core import mail as core_mail
from townsquare.core.errors import PermissionDenied
from townsquare.governance import workflow

pytestmark = pytest.mark.django_db


def test_every_mail_links_to_the_choice_of_mails(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        core_mail.send_rendered_later(
            to=["a@town.example"], subject="S", text="Hi.", html="<p>Hi.</p>"
        )
    sent = mail.outbox[0]
    assert sent.body.rstrip().endswith(f"{settings.SITE_URL}/account/mail")
    assert isinstance(sent, EmailMultiAlternatives)
    html = str(sent.alternatives[0][0])
    assert f'href="{settings.SITE_URL}/account/mail"' in html


def test_the_account_page_keeps_the_choice_and_audits_it(steward: Any, outsider: Any) -> None:
    page = Client()
    page.force_login(steward)
    assert "Which mails you get" in page.get("/account").content.decode()
    form = page.get("/account/mail").content.decode()
    assert form.count('type="checkbox"') == len(mailing.KINDS)
    assert form.count("checked") == len(mailing.KINDS)  # everything on at first
    page.post("/account/mail", {"wanted": ["freshness"]})
    steward.refresh_from_db()
    assert set(steward.mail_unwanted) == set(mailing.KINDS) - {"freshness"}
    assert last("user.mail_chosen").actor == "steward"
    with pytest.raises(PermissionDenied):
        services.mail_choose(actor=outsider, user=steward, wanted=[])


def test_review_mails_follow_the_choice(
    public_works: Any, steward: Any, approver: Any, django_capture_on_commit_callbacks: Any
) -> None:
    services.mail_choose(actor=approver, user=approver, wanted=["freshness"])  # no reviews
    dataset = workflow.dataset_create(
        actor=steward, organization=public_works, **dataset_values(slug="trees")
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.change_submit(actor=steward, dataset=dataset)
    assert mail.outbox == []
    services.mail_choose(actor=approver, user=approver, wanted=list(mailing.KINDS))
    assert mailing.addresses([approver], "reviews") == ["approver@town.example"]


def test_a_password_reset_goes_whatever_the_choice(
    steward: Any, django_capture_on_commit_callbacks: Any
) -> None:
    services.mail_choose(actor=steward, user=steward, wanted=[])
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/account/password-reset", {"email": steward.email})
    assert [m.to for m in mail.outbox] == [["steward@town.example"]]
    assert "/account/mail" in mail.outbox[0].body
