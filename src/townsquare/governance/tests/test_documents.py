"""Governance documents: versions take effect after the named roles sign; nobody signs their
own version; history public or staff-only by setting; every step audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import make_user
from townsquare.audit.tests.helpers import last
from townsquare.core.errors import Conflict, PermissionDenied
from townsquare.governance import selectors, services
from townsquare.governance.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def cio(db: Any) -> Any:
    return make_user("cio")


@pytest.fixture
def head(db: Any) -> Any:
    return make_user("head")


@pytest.fixture
def signers(coordinator: Any, cio: Any, head: Any) -> None:
    services.signatory_set(
        actor=coordinator, kind="policy", role="Chief Information Officer", user=cio
    )
    services.signatory_set(actor=coordinator, kind="policy", role="Head of Public Works", user=head)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_without_signatories_a_version_takes_effect_at_once(coordinator: Any) -> None:
    document = services.document_revise(
        actor=coordinator, kind="purpose", title="Why", body="To be open."
    )
    assert document.effective_at is not None
    assert selectors.current_document("purpose") == document
    assert "To be open." in Client().get("/").content.decode()
    assert last("document.took_effect").object_id == str(document.pk)


def test_a_version_takes_effect_when_every_named_role_signed(
    signers: Any, coordinator: Any, cio: Any, head: Any
) -> None:
    first = services.document_revise(actor=coordinator, kind="policy", title="P", body="v1")
    assert first.effective_at is None and selectors.current_document("policy") is None
    services.document_sign(actor=cio, document=first, role="Chief Information Officer")
    first.refresh_from_db()
    assert first.effective_at is None
    services.document_sign(actor=head, document=first, role="Head of Public Works")
    first.refresh_from_db()
    assert first.effective_at is not None
    assert selectors.current_document("policy") == first
    second = services.document_revise(actor=coordinator, kind="policy", title="P", body="v2")
    assert selectors.current_document("policy") == first  # v1 stays in effect until v2 is signed
    assert [r["role"] for r in second.required] == [
        "Chief Information Officer",
        "Head of Public Works",
    ]
    assert last("document.took_effect").after == {"version": 1}
    assert last("document.signed").actor == "head"


def test_signing_refusals_are_clear_and_audited(
    signers: Any, coordinator: Any, cio: Any, head: Any, outsider: Any
) -> None:
    document = services.document_revise(actor=coordinator, kind="policy", title="P", body="v1")
    with pytest.raises(PermissionDenied, match="Only cio signs"):
        services.document_sign(actor=outsider, document=document, role="Chief Information Officer")
    with pytest.raises(PermissionDenied, match="does not need a signature"):
        services.document_sign(actor=cio, document=document, role="Mayor")
    services.document_sign(actor=cio, document=document, role="Chief Information Officer")
    with pytest.raises(Conflict, match="already signed"):
        services.document_sign(actor=cio, document=document, role="Chief Information Officer")
    newer = services.document_revise(actor=coordinator, kind="policy", title="P", body="v2")
    with pytest.raises(Conflict, match="replaced by a newer version"):
        services.document_sign(actor=head, document=document, role="Head of Public Works")
    assert newer.effective_at is None


def test_nobody_signs_their_own_version(coordinator: Any, cio: Any) -> None:
    services.signatory_set(actor=coordinator, kind="policy", role="CIO", user=cio)
    document = services.document_revise(
        actor=cio_as_coordinator(cio), kind="policy", title="P", body="x"
    )
    with pytest.raises(PermissionDenied, match="Nobody signs their own version"):
        services.document_sign(actor=cio, document=document, role="CIO")


def cio_as_coordinator(cio: Any) -> Any:
    cio.is_coordinator = True
    cio.save(update_fields=["is_coordinator"])
    return cio


def test_only_coordinators_write_versions_and_name_signatories(steward: Any, cio: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.document_revise(actor=steward, kind="policy", title="P", body="x")
    with pytest.raises(PermissionDenied):
        services.signatory_set(actor=steward, kind="policy", role="CIO", user=cio)
    response = signed_in(steward).post(
        "/governance/signatories", {"kind": "policy", "role": "CIO", "username": "steward"}
    )
    assert response.status_code == 403
    assert last("document.signatories.refused").actor == "steward"


def _written(coordinator: Any) -> Client:
    staff = signed_in(coordinator)
    response = staff.post(
        "/governance-policy/edit", {"title": "Data governance policy", "body": "We **check** data."}
    )
    assert response.status_code == 302 and response["Location"] == "/governance-policy/versions/1"
    return staff


def test_a_written_policy_waits_for_its_signatories(
    signers: Any, coordinator: Any, cio: Any
) -> None:
    _written(coordinator)
    page = Client().get("/governance-policy").content.decode()
    assert "No version of the governance policy is in effect yet." in page
    assert "Waiting for signatures" in page
    account = signed_in(cio).get("/account").content.decode()
    assert 'href="/governance-policy/versions/1">Governance policy v1</a>, as Chief' in account
    version_page = signed_in(cio).get("/governance-policy/versions/1").content.decode()
    assert "Sign as Chief Information Officer" in version_page
    assert "Sign as Head of Public Works" not in version_page


def test_signing_twice_is_refused_and_recorded(signers: Any, coordinator: Any, cio: Any) -> None:
    _written(coordinator)
    signed_in(cio).post("/governance-policy/versions/1/sign", {"role": "Chief Information Officer"})
    again = signed_in(cio).post(
        "/governance-policy/versions/1/sign", {"role": "Chief Information Officer"}, follow=True
    )
    assert "already signed" in again.content.decode()
    assert last("document.sign.refused").actor == "cio"


def _signed(coordinator: Any, cio: Any, head: Any) -> Client:
    staff = _written(coordinator)
    signed_in(cio).post("/governance-policy/versions/1/sign", {"role": "Chief Information Officer"})
    signed_in(head).post("/governance-policy/versions/1/sign", {"role": "Head of Public Works"})
    return staff


def test_the_policy_is_in_effect_once_every_signatory_signed(
    signers: Any, coordinator: Any, cio: Any, head: Any
) -> None:
    _signed(coordinator, cio, head)
    page = Client().get("/governance-policy").content.decode()
    assert "<strong>check</strong>" in page and "In effect" in page
    assert "Chief Information Officer (cio" in page


def test_a_staff_only_history_hides_the_versions_from_everyone_else(
    signers: Any, coordinator: Any, cio: Any, head: Any, settings: Any
) -> None:
    staff = _signed(coordinator, cio, head)
    settings.DOCUMENT_HISTORY = "staff"
    page = Client().get("/governance-policy").content.decode()
    assert "<strong>check</strong>" in page and "Versions" not in page
    assert Client().get("/governance-policy/versions/1").status_code == 302  # sign in first
    assert signed_in(make_user("someone")).get("/governance-policy/versions/1").status_code == 403
    assert "Versions" in staff.get("/governance-policy").content.decode()


def test_the_signatories_page_names_and_removes_roles(coordinator: Any, cio: Any) -> None:
    staff = signed_in(coordinator)
    staff.post("/governance/signatories", {"kind": "policy", "role": "CIO", "username": "cio"})
    page = staff.get("/governance/signatories").content.decode()
    assert "CIO" in page and "cio" in page
    unknown = staff.post(
        "/governance/signatories", {"kind": "policy", "role": "CIO", "username": "nobody"}
    )
    assert "There is no user named" in unknown.content.decode()
    signatory = selectors.signatories("policy").get()
    staff.post(f"/governance/signatories/{signatory.pk}/remove")
    assert not selectors.signatories("policy").exists()
    assert last("document.signatories_changed").before == {
        "kind": "policy",
        "role": "CIO",
        "username": "cio",
    }
    assert Document.objects.count() == 0
