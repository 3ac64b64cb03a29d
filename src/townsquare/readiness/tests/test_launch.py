"""Before the launch the public sees the purpose and a coming-soon page while staff work; the
coordinator launches when the checklist passes, or with a written reason, once."""

from __future__ import annotations

import importlib
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client

from townsquare.audit.tests.helpers import last
from townsquare.core.errors import Conflict, PermissionDenied
from townsquare.governance import services as governance
from townsquare.readiness import checklist, guide, selectors, services
from townsquare.readiness.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def coming_soon(settings: Any, coordinator: Any) -> None:
    settings.BEFORE_LAUNCH = "coming-soon"
    governance.document_revise(
        actor=coordinator, kind="purpose", title="Why we share", body="To be **open**."
    )


def test_before_the_launch_the_public_sees_the_purpose_and_coming_soon(
    coming_soon: None, steward: Any
) -> None:
    public = Client()
    for path in ("/", "/datasets", "/organizations"):
        page = public.get(path).content.decode()
        assert "is coming soon" in page and "<strong>open</strong>" in page, path
    assert "is coming soon" not in public.get("/purpose").content.decode()
    assert public.get("/account/sign-in").status_code == 200
    api = public.get("/api/v1/datasets")
    assert api.status_code == 403 and api.json()["title"] == "Not launched yet"
    staff = Client()
    staff.force_login(steward)
    assert "is coming soon" not in staff.get("/datasets").content.decode()


def test_the_portal_may_stay_open_but_unannounced_before_its_launch(settings: Any) -> None:
    settings.BEFORE_LAUNCH = "open"
    assert "is coming soon" not in Client().get("/").content.decode()


def test_launching_with_items_to_do_needs_a_written_reason_and_happens_once(
    coming_soon: None, coordinator: Any, steward: Any
) -> None:
    with pytest.raises(Conflict, match="not ready"):
        services.program_launch(actor=coordinator)
    with pytest.raises(PermissionDenied):
        services.program_launch(actor=steward, override="Because.")
    program = services.program_launch(actor=coordinator, override="The council wants it today.")
    assert program.launched_at is not None and selectors.launched()
    event = last("program.launched")
    assert event.after["override"] == "The council wants it today."
    assert "The launch shortlist is chosen" in event.after["to_do"]
    assert "is coming soon" not in Client().get("/").content.decode()
    with pytest.raises(Conflict, match="launched on"):
        services.program_launch(actor=coordinator, override="Again.")


def test_a_ready_portal_launches_without_a_reason(prepared: Any, coordinator: Any) -> None:
    program = services.program_launch(actor=coordinator)
    assert program.launch_override == "" and last("program.launched").after["readiness"] == 100


def test_the_coordinator_launches_from_the_readiness_page(
    coming_soon: None, coordinator: Any
) -> None:
    client = Client()
    client.force_login(coordinator)
    page = client.get("/program/readiness").content.decode()
    assert "preparing" in page and "Launch anyway, because" in page
    refused = client.post("/program/launch", {"override": ""})
    assert refused.status_code == 409 and "not ready" in refused.content.decode()
    client.post("/program/launch", {"override": "Announced at the council meeting."})
    page = client.get("/program/readiness").content.decode()
    assert "The portal launched on" in page and "Announced at the council meeting." in page


def test_the_command_line_launches_with_an_override(coming_soon: None) -> None:
    with pytest.raises(CommandError, match="not ready"):
        call_command("launch", stdout=StringIO())
    out = StringIO()
    call_command("launch", "--override", "Soft launch for the press.", stdout=out)
    assert "override: Soft launch for the press." in out.getvalue()


def test_a_portal_live_before_the_program_counts_as_launched_on_upgrade(
    public_works: Any, make_dataset: Any
) -> None:
    make_dataset(public_works)
    migration = importlib.import_module(
        "townsquare.readiness.migrations.0002_launched_before_the_program"
    )
    migration.launched_already(apps, None)
    assert Program.objects.get().launched_at is not None


def test_a_signatory_without_a_role_signs_before_the_launch(
    coming_soon: None, coordinator: Any, outsider: Any
) -> None:
    client = Client()
    client.force_login(outsider)
    page = client.get("/datasets").content.decode()
    assert "is coming soon" in page and "has no role in preparing the portal" in page
    governance.signatory_set(actor=coordinator, kind="policy", role="Mayor", user=outsider)
    assert "is coming soon" not in client.get("/datasets").content.decode()


def test_the_guide_lists_the_steps_in_order_with_the_next_ones_to_do(
    prepared: Any, coordinator: Any
) -> None:
    found = guide.steps(checklist.evaluate(), launched=False)
    assert [s.title for s in found] == [
        "Write the purpose",
        "Add the departments and their people",
        "Draft the governance policy and name its signatories",
        "Build the inventory",
        "Choose the launch shortlist",
        "Prepare and publish the shortlisted datasets through sign-off",
        "Launch",
    ]
    assert [s.done for s in found] == [True] * 6 + [False]
    client = Client()
    client.force_login(coordinator)
    page = client.get("/program/readiness").content.decode()
    assert "Getting started" in page and '<li class="done"><a href="/purpose/edit">' in page
    assert "This portal is preparing its launch" in client.get("/datasets").content.decode()
