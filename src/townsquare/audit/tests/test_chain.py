"""The chain: every event links to the one before it; `townsquare audit verify` finds the first
edited, inserted or deleted event; the application and (on PostgreSQL) the database refuse to
change events."""

from __future__ import annotations

import json
import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from townsquare.audit import services
from townsquare.audit.chain import COVERED, GENESIS, digest
from townsquare.audit.models import AppendOnly, AuditEvent
from townsquare.audit.tests.helpers import tamper
from townsquare.core.actors import SYSTEM

pytestmark = pytest.mark.django_db


def verify(*args: str) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def broken(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        verify(*args)
    return str(caught.value)


@pytest.fixture
def trail(coordinator: Any, django_capture_on_commit_callbacks: Any) -> list[AuditEvent]:
    """Five events, committed (so their heads are kept outside the database)."""
    with django_capture_on_commit_callbacks(execute=True):
        return [
            services.record(
                coordinator, "test.step", after={"step": n, "note": "é ✓"}, address="10.0.0.1"
            )
            for n in range(1, 6)
        ]


def forge(after: AuditEvent, **changes: Any) -> dict[str, Any]:
    """An event that would follow ``after``, with its hash computed as the portal would."""
    fields = {name: getattr(after, name) for name in COVERED}
    fields.update(number=after.number + 1, previous_hash=after.hash, **changes)
    fields["hash"] = digest(fields)
    return fields


def test_each_event_links_to_the_one_before(trail: list[AuditEvent]) -> None:
    assert [e.number for e in trail] == [1, 2, 3, 4, 5]
    assert trail[0].previous_hash == GENESIS
    for before, event in zip(trail, trail[1:], strict=False):
        assert event.previous_hash == before.hash
    stored = AuditEvent.objects.get(number=3)
    assert (stored.actor, stored.actor_id, stored.address) == (
        "coordinator",
        trail[0].actor_id,
        "10.0.0.1",
    )
    assert stored.after == {"step": 3, "note": "é ✓"}
    assert "intact: 5 events" in verify()


def test_an_empty_trail_is_intact(db: Any) -> None:
    assert "intact: 0 events" in verify()


def test_an_edited_event_is_named(trail: list[AuditEvent]) -> None:
    tamper("UPDATE audit_auditevent SET actor = %s WHERE number = 3", ["someone-else"])
    assert "broken at event #3" in broken()
    assert "was changed" in broken()


def test_an_edited_event_with_its_hash_recomputed_breaks_the_next_link(
    trail: list[AuditEvent],
) -> None:
    event = AuditEvent.objects.get(number=2)
    fields = {name: getattr(event, name) for name in COVERED}
    fields["after"] = {"step": 2, "note": "rewritten"}
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    tamper(
        f"UPDATE audit_auditevent SET after = %s{cast}, hash = %s WHERE number = 2",  # noqa: S608
        ['{"step": 2, "note": "rewritten"}', digest(fields)],
    )
    message = broken()
    assert "broken at event #3" in message and "does not link to event #2" in message


def test_a_deleted_event_is_named(trail: list[AuditEvent]) -> None:
    tamper("DELETE FROM audit_auditevent WHERE number = %s", [4])
    assert "broken at event #5: event #4 is missing" in broken()


def test_an_inserted_event_is_named(trail: list[AuditEvent]) -> None:
    """A forged event slipped in after #2, later ones renumbered to make room."""
    for number in (5, 4, 3):
        tamper("UPDATE audit_auditevent SET number = %s WHERE number = %s", [number + 1, number])
    second = AuditEvent.objects.get(number=2)
    forged = {name: getattr(second, name) for name in COVERED}
    forged.update(number=3, actor="system", action="dataset.published", previous_hash=second.hash)
    forged["hash"] = digest(forged)
    AuditEvent.objects.bulk_create([AuditEvent(**forged)])  # an INSERT, as a forger would
    message = broken()
    assert "broken at event #4" in message  # the old #3, renumbered: its hash no longer fits


def test_removing_the_newest_events_is_found_against_a_kept_head(
    trail: list[AuditEvent],
) -> None:
    head = trail[-1].hash
    assert "intact" in verify("--head", head)
    tamper("DELETE FROM audit_auditevent WHERE number >= %s", [4])
    message = broken()  # by default: against the head kept outside the database
    assert "broken at event #4" in message and "events after #3 were removed" in message
    assert "event #5 was written" in message
    assert "events after #3 were removed" in broken("--head", head)


def test_a_forged_append_with_its_hash_recomputed_is_named(trail: list[AuditEvent]) -> None:
    forged = forge(trail[-1], actor="system", action="dataset.published")
    AuditEvent.objects.bulk_create([AuditEvent(**forged)])  # an INSERT behind the portal's back
    message = broken()
    assert "broken at event #6" in message and "were not written by the portal" in message
    assert "removed" not in message


def test_a_chain_rewritten_with_recomputed_hashes_is_named(trail: list[AuditEvent]) -> None:
    """Someone with the database alone edits #2 and recomputes every later hash and link."""
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    previous = trail[0]
    for event in trail[1:]:
        changes = (
            {"after": {"step": event.number, "note": "rewritten"}} if event.number == 2 else {}
        )
        fields = {name: getattr(event, name) for name in COVERED}
        fields.update(previous_hash=previous.hash, **changes)
        fields["hash"] = digest(fields)
        tamper(
            f"UPDATE audit_auditevent SET after = %s{cast}, previous_hash = %s, hash = %s "  # noqa: S608
            "WHERE number = %s",
            [json.dumps(fields["after"]), fields["previous_hash"], fields["hash"], event.number],
        )
        previous = AuditEvent.objects.get(number=event.number)
    message = broken()
    assert "broken at event #5" in message and "the chain up to it was rewritten" in message


def test_a_missing_head_file_is_said_and_can_be_started_again(
    trail: list[AuditEvent], settings: Any
) -> None:
    settings.AUDIT_HEAD_FILE.unlink()
    assert "head kept outside the database" in broken() and "is missing" in broken()
    assert "intact" in verify("--head", trail[-1].hash)  # against a head the operator kept
    out = StringIO()
    call_command("audit", "head", "--keep", stdout=out)
    assert "Kept in" in out.getvalue() and "intact: 5 events" in verify()


def test_head_prints_the_newest_hash(trail: list[AuditEvent]) -> None:
    out = StringIO()
    call_command("audit", "head", stdout=out)
    assert out.getvalue().strip() == f"5 {trail[-1].hash}"


def test_the_application_never_changes_events(trail: list[AuditEvent]) -> None:
    event = AuditEvent.objects.get(number=1)
    event.actor = "x"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(number=1).update(actor="x")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()
    assert "intact" in verify()


def test_the_database_refuses_changes_whoever_asks(trail: list[AuditEvent]) -> None:
    for sql in (
        "UPDATE audit_auditevent SET actor = 'x' WHERE number = 1",
        "DELETE FROM audit_auditevent WHERE number = 1",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert "intact" in verify()


def test_an_event_rolled_back_with_its_change_leaves_no_gap(
    trail: list[AuditEvent], django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        services.record(SYSTEM, "test.doomed")
        raise IntegrityError("the change failed")
    with django_capture_on_commit_callbacks(execute=True):
        services.record(SYSTEM, "test.after")
    assert list(AuditEvent.objects.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    assert "intact: 6 events" in verify()


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain() -> None:
    """PostgreSQL: the advisory lock orders appends. (SQLite's write transactions are
    IMMEDIATE, one at a time by construction; its in-memory test database cannot be shared
    between threads that write.)"""
    if connection.vendor != "postgresql":
        pytest.skip("the test database of SQLite is in memory: threads cannot write to it")
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            for step in range(10):
                with transaction.atomic():
                    services.record(
                        SYSTEM, "test.concurrent", after={"worker": worker, "step": step}
                    )
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.count() == 30
    assert "intact: 30 events" in verify()
