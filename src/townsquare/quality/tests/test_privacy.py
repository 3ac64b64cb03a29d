"""The privacy scan on a file with planted personal data, and on ordinary data."""

from __future__ import annotations

import logging.config
import random
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from townsquare.datastore.tests.helpers import ingest
from townsquare.governance import workflow
from townsquare.governance.tests.helpers import load
from townsquare.quality.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(public_works: Any, make_dataset: Any) -> Any:
    return make_dataset(public_works, slug="people")


def privacy(version: Any) -> dict[tuple[str, str], dict[str, Any]]:
    findings = Report.objects.get(version=version).findings
    return {(f["column"], f["check"]): f for f in findings if f["severity"] == "privacy"}


PLANTED = "\n".join(
    [
        "id,contact,card,tax_id,zip,notes,client_ip,phone_no,date_of_birth,amount",
        "1,jane.doe@example.org,4111 1111 1111 1111,536-90-4399,02134,"
        "Called back by Mary Johnson about the fence,10.20.30.40,(617) 555-0142,1980-04-02,12",
        "2,omar@example.net,5500 0000 0000 0004,612 48 7731,02139,"
        "No answer,192.168.10.7,617-555-0199,1975-11-30,40",
        "3,li.wei@example.com,4111 1111 1111 1112,401-22-8765,10001,"
        "Letter sent to 42 Maple Street,172.16.0.9,+1 617 555 0123,1990-01-15,7",
    ]
)


def test_planted_personal_data_is_found_with_confidence(dataset: Any) -> None:
    version = ingest(dataset, "people.csv", PLANTED.encode())
    found = privacy(version)
    assert found[("contact", "email")]["count"] == 3
    assert found[("contact", "email")]["confidence"] >= 0.8
    cards = found[("card", "payment_card")]
    assert cards["count"] == 2  # the third fails the Luhn check
    assert found[("tax_id", "ssn")]["count"] >= 2
    assert found[("client_ip", "ip_address")]["count"] == 3
    assert found[("phone_no", "phone")]["count"] >= 2
    assert found[("date_of_birth", "date_of_birth")]["evidence"] == "name"
    names = found[("notes", "person_name")]
    assert names["count"] == 1 and names["sample"] == [{"value": found_text(PLANTED, "Mary")}]
    assert found[("notes", "street_address")]["count"] == 1
    assert ("zip", "ssn") not in found and ("amount", "payment_card") not in found
    assert ("id", "phone") not in found


def found_text(text: str, word: str) -> str:
    return next(cell for line in text.splitlines() for cell in line.split(",") if word in cell)


def test_ordinary_data_has_no_privacy_findings(dataset: Any) -> None:
    rows = ["permit,valuation,street,ward,issued"] + [
        f"BP-{1000 + i},{25000 + i * 13},Main Street,{i % 7 + 1},2026-0{i % 9 + 1}-1{i % 9}"
        for i in range(60)
    ]
    version = ingest(dataset, "permits.csv", "\n".join(rows).encode())
    found = privacy(version)
    assert set(found) == {("street", "street_address")}  # by its name only
    assert found[("street", "street_address")]["evidence"] == "name"
    assert found[("street", "street_address")]["confidence"] == 0.35  # below the sign-off bar


def test_small_cells_in_aggregate_tables(dataset: Any) -> None:
    version = ingest(dataset, "agg.csv", b"ward,cases\n1,120\n2,3\n3,0\n4,1\n")
    cell = privacy(version)[("cases", "small_cell")]
    assert cell["count"] == 2 and "below 5" in cell["message"]


def test_privacy_findings_beside_the_diff_in_the_review_screen(
    dataset: Any, steward: Any, approver: Any
) -> None:
    ingest(dataset, "first.csv", b"id\n1\n")
    load(steward, dataset, PLANTED.encode())  # held in the working copy for review
    change = workflow.change_submit(actor=steward, dataset=dataset)
    client = Client()
    client.force_login(approver)
    page = client.get(f"/review/{change.pk}").content.decode()
    assert "Quality and privacy of version 2" in page
    assert "<code>payment_card</code>" in page and "<code>email</code>" in page


def test_privacy_findings_in_the_report_api(dataset: Any, steward: Any) -> None:
    version = ingest(dataset, "people.csv", PLANTED.encode())
    client = Client()
    client.force_login(steward)
    body = client.get(f"/api/v1/datasets/people/versions/{version.pk}/report").json()
    kinds = {f["check"] for f in body["findings"] if f["severity"] == "privacy"}
    assert {"email", "payment_card", "ssn", "ip_address", "phone", "date_of_birth"} <= kinds
    assert {"street_address", "person_name"} <= kinds


def _luhn(digits: str) -> str:
    """``digits`` with its Luhn check digit appended."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return digits + str((10 - total % 10) % 10)


def test_identifiers_written_as_bare_digits_are_found_in_number_columns(dataset: Any) -> None:
    chance = random.Random(7)
    header = "id,card_no,ssn,home_phone,amount_paid,parcel_id,permit_no,ref"
    rows = [header]
    for i in range(40):
        card = _luhn("4" + "".join(chance.choice("0123456789") for _ in range(14)))
        ssn = f"{chance.randint(101, 665)}{chance.randint(10, 99)}{chance.randint(1000, 9999)}"
        area = chance.choice(["617", "212", "415", "312", "202", "303", "713", "206"])
        phone = f"{area}{chance.randint(200, 999)}{chance.randint(1000, 9999)}"
        # a card number in a column that also holds a fraction: typed as a (double) number
        paid = (
            "0.5"
            if i == 0
            else _luhn("51" + "".join(chance.choice("0123456789") for _ in range(13)))
        )
        ref = "".join(chance.choice("123456789") for _ in range(16))  # random: ~1 in 10 pass Luhn
        rows.append(f"{i},{card},{ssn},{phone},{paid},{100000001 + i},{2610000000 + i},{ref}")
    version = ingest(dataset, "payments.csv", "\n".join(rows).encode())
    types = {f["name"]: f["type"] for f in version.fields}
    assert types["card_no"] == types["ssn"] == types["home_phone"] == "integer"
    assert types["amount_paid"] == "number"
    found = privacy(version)
    assert found[("card_no", "payment_card")]["confidence"] >= 0.9  # the check digit: strong
    assert found[("card_no", "payment_card")]["count"] == 40
    assert found[("amount_paid", "payment_card")]["confidence"] >= 0.8
    assert found[("ssn", "ssn")]["confidence"] >= 0.6, found[("ssn", "ssn")]
    assert found[("ssn", "ssn")]["evidence"] == "name and digits"
    assert found[("home_phone", "phone")]["confidence"] >= 0.6
    for column in ("parcel_id", "permit_no", "ref", "id"):  # counted up, or random failing Luhn
        assert all(f["confidence"] < 0.5 for (c, _), f in found.items() if c == column), column
    blocking = {key for key, f in found.items() if f["confidence"] >= 0.5}
    assert blocking == {
        ("card_no", "payment_card"),
        ("amount_paid", "payment_card"),
        ("ssn", "ssn"),
        ("home_phone", "phone"),
    }


def test_the_scan_prints_no_library_noise(dataset: Any, capsys: Any) -> None:
    """Presidio tells of every value it looks at without a language model, at INFO: the
    logging configuration keeps that off the console (and out of `townsquare ingest`)."""
    logging.config.dictConfig(settings.LOGGING)  # its console handler writes to captured stderr
    ingest(dataset, "people.csv", PLANTED.encode())
    printed = capsys.readouterr()
    assert "Skipping context extraction" not in printed.err + printed.out
    assert "Loaded recognizer" not in printed.err + printed.out
    assert not logging.getLogger("presidio-analyzer").isEnabledFor(logging.INFO)
