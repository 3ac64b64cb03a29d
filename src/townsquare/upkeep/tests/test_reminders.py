"""Freshness reminders and the weekly digests, delivered to a real SMTP server: the stewards
before the due date, on it and when overdue; the approvers and coordinators when delinquent;
each once per state, even with two workers; each person's choice of mails respected."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from townsquare.accounts.models import Membership, OrgRole
from townsquare.governance.tests.helpers import member
from townsquare.upkeep import digests, evaluation, reminders
from townsquare.upkeep.models import Notice
from townsquare.upkeep.tests.test_freshness import aged

pytestmark = pytest.mark.django_db(transaction=True)  # mail leaves once the notice commits


@pytest.fixture
def roads(public_works: Any, make_dataset: Any, steward: Any, approver: Any) -> Any:
    return make_dataset(public_works, slug="roads", title="Road repairs")


def test_each_stage_is_told_once_to_the_right_people(
    roads: Any, smtp: Any, coordinator: Any, parks: Any
) -> None:
    member("parks-steward", parks, OrgRole.STEWARD)  # another department hears nothing
    aged(roads, 25)  # monthly: due in about 5 days, within the 7 days of notice
    assert reminders.send_reminders() == "1 reminder sent"
    assert reminders.send_reminders() == "0 reminders sent"  # never twice
    soon = smtp.to("steward@town.example")
    assert len(smtp.received) == 1 and soon[0].subject.startswith("Due ")
    assert 'The next update of "Road repairs" (Public Works) is due on' in soon[0].text
    assert "/datasets/roads" in soon[0].text and "/account/mail" in soon[0].text
    for days, subject in ((31, "Due today: an update of Road repairs"), (50, "Overdue: Road")):
        aged(roads, days)
        assert reminders.send_reminders() == "1 reminder sent"
        assert smtp.received[-1].subject.startswith(subject)
        assert smtp.received[-1].to == ["steward@town.example"]
    aged(roads, 70)
    assert reminders.send_reminders() == "1 reminder sent"
    delinquent = smtp.received[-1]
    assert delinquent.subject == "Delinquent: Road repairs (Public Works, 39 days late)"
    assert sorted(delinquent.to) == ["approver@town.example", "coordinator@town.example"]
    assert "parks-steward@town.example" not in {a for r in smtp.received for a in r.to}
    assert Notice.objects.count() == 4


def test_an_update_starts_the_next_cycle(roads: Any, smtp: Any) -> None:
    aged(roads, 50)
    reminders.send_reminders()
    aged(roads, 1)  # new data: the next due date is a month away
    assert reminders.send_reminders() == "0 reminders sent"
    aged(roads, 50.5)  # overdue again, for a due date half a day later than the first
    assert reminders.send_reminders() == "1 reminder sent"


def test_two_workers_at_once_send_each_reminder_once(roads: Any, smtp: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the test database of SQLite is in memory: threads cannot write to it")
    aged(roads, 50)
    barrier, results = threading.Barrier(2), []

    def worker() -> None:
        try:
            barrier.wait(timeout=20)
            results.append(reminders.send_reminders())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["0 reminders sent", "1 reminder sent"]
    assert len(smtp.received) == 1


def test_a_person_who_turned_a_kind_off_does_not_get_it(
    roads: Any, smtp: Any, steward: Any
) -> None:
    page = Client()
    page.force_login(steward)
    form = page.get("/account/mail").content.decode()
    assert "Reminders before and when a dataset I look after is due" in form
    kept = ["digest", "reviews", "access", "refresh", "program", "delinquent"]  # not freshness
    saved = page.post("/account/mail", {"wanted": kept}, follow=True)
    assert "Your mail choices are saved." in saved.content.decode()
    steward.refresh_from_db()
    assert steward.mail_unwanted == ["freshness"]
    aged(roads, 50)
    reminders.send_reminders()
    assert smtp.received == []  # nobody else looks after Public Works
    refused = page.post("/account/mail", {"wanted": ["spam"]})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()


def test_the_weekly_digests(
    roads: Any, smtp: Any, coordinator: Any, public_works: Any, make_dataset: Any
) -> None:
    late = make_dataset(public_works, slug="bridges", title="Bridge inspections")
    aged(late, 50)
    aged(roads, 27)
    evaluation.evaluate()
    assert digests.send_digests() == "2 digests sent"
    assert digests.send_digests() == "0 digests sent"  # once a week
    mine = smtp.to("steward@town.example")[0]
    assert mine.subject == "Your datasets this week: 1 late, 1 due soon"
    assert "Bridge inspections: Overdue" in mine.text and "19 days late" in mine.text
    assert "Road repairs: due" in mine.text and "/account/mail" in mine.text
    glance = smtp.to("coordinator@town.example")[0]
    assert glance.subject == "This week in the data program"
    assert "- Overdue: 1" in glance.text and "- Public Works: 1" in glance.text
    assert "Changes waiting for review: 0" in glance.text
    next_week = timezone.now() + timedelta(days=7)
    assert digests.send_digests(next_week) == "2 digests sent"


def test_a_steward_with_nothing_to_do_gets_no_digest(
    public_works: Any, steward: Any, smtp: Any
) -> None:
    Membership.objects.filter(user=steward).update(role=OrgRole.STEWARD)
    assert digests.send_digests() == "0 digests sent"
    assert smtp.received == []


def test_a_short_period_gets_no_notice_ahead_only_on_the_day(
    public_works: Any, make_dataset: Any, steward: Any, smtp: Any
) -> None:
    weekly = make_dataset(public_works, slug="weekly", title="Weekly", accrual_periodicity="R/P1W")
    aged(weekly, 3)  # due in 4 days: within the 7 days of notice, but a week apart
    assert reminders.send_reminders() == "0 reminders sent"
    aged(weekly, 7.5)
    assert reminders.send_reminders() == "1 reminder sent"
    assert smtp.received[-1].subject == "Due today: an update of Weekly"
