"""Prioritization: one documented score from weighted factors, the ranked list with why, the
coordinator's weights and the launch shortlist with its warnings."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from townsquare.accounts.services import token_create
from townsquare.audit.tests.helpers import last
from townsquare.core.errors import Conflict, Invalid, PermissionDenied
from townsquare.readiness import priority, selectors, services
from townsquare.readiness.factors import DEFAULT_WEIGHTS
from townsquare.readiness.models import InventoryItem

pytestmark = pytest.mark.django_db


def item(organization: Any, identifier: str, title: str, **factors: Any) -> InventoryItem:
    return InventoryItem.objects.create(
        identifier=identifier, title=title, organization=organization, **factors
    )


def api(user: Any) -> Client:
    secret = token_create(actor=user, user=user, name="t")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_score_follows_the_documented_formula(public_works: Any) -> None:
    weights = dict(DEFAULT_WEIGHTS)
    most_benefit = 3 * (3 + 2 + 2 + 2 + 2 + 1 + 3)  # 45
    most_cost = 3 * (1 + 2 + 1)  # 12
    blank = item(public_works, "PW-1", "Nothing marked")
    assert priority.score(blank, weights)[0] == round(
        100 * most_cost / (most_benefit + most_cost), 1
    )
    wanted = item(public_works, "PW-2", "Wanted", public_requests=7, purpose=3, sensitivity=3)
    expected = 100 * (3 * 3 + 3 * 3 - 2 * 3 + most_cost) / (most_benefit + most_cost)
    assert priority.score(wanted, weights)[0] == round(expected, 1)
    one_request = item(public_works, "PW-3", "Asked once", public_requests=1)
    contributions = {c.factor.name: c for c in priority.score(one_request, weights)[1]}
    assert contributions["public_requests"].points == 1.0  # log2(1 + 1): the first counts most


def test_the_ranked_list_says_why_each_item_ranks_where_it_does(
    public_works: Any, coordinator: Any
) -> None:
    item(public_works, "PW-1", "Zoning", public_requests=12, purpose=3, transparency=2)
    item(public_works, "PW-2", "Payroll", sensitivity=3, effort=2, transparency=1)
    item(public_works, "PW-3", "Permits", failed_searches=3, services=2)
    total, ranked = selectors.ranked_inventory(actor=coordinator)
    assert total == 3
    assert [r.item.identifier for r in ranked] == ["PW-1", "PW-3", "PW-2"]
    assert [r.rank for r in ranked] == [1, 2, 3]
    assert ranked[0].reasons[0] == "+9.0 public requests and nominations (12, weight 3)"
    assert ranked[2].reasons[0] == "−6.0 sensitivity (3, weight 2)"


def test_the_coordinators_weights_change_the_order(public_works: Any, coordinator: Any) -> None:
    item(public_works, "PW-1", "Wanted but sensitive", public_requests=7, purpose=1, sensitivity=3)
    item(public_works, "PW-2", "Useful", services=2)
    assert selectors.ranked_inventory(actor=coordinator)[1][0].item.identifier == "PW-1"
    services.program_set(actor=coordinator, weights={"sensitivity": 10})
    assert selectors.ranked_inventory(actor=coordinator)[1][0].item.identifier == "PW-2"
    event = last("program.priorities_set")
    assert (
        event.before["weights"]["sensitivity"] == 2 and event.after["weights"]["sensitivity"] == 10
    )


def test_weights_out_of_range_or_unknown_are_refused_with_each_field(coordinator: Any) -> None:
    with pytest.raises(Invalid) as refused:
        services.program_set(
            actor=coordinator,
            weights={"sensitivity": 11, "effort": -1, "purpose": True, "colour": 2},
            shortlist_target=0,
        )
    assert {p["field"] for p in refused.value.problems} == {
        "weights.sensitivity",
        "weights.effort",
        "weights.purpose",
        "weights.colour",
        "shortlist_target",
    }
    assert selectors.program().weights == DEFAULT_WEIGHTS


def test_only_coordinators_set_the_weights_and_pick_the_shortlist(
    public_works: Any, steward: Any
) -> None:
    found = item(public_works, "PW-1", "Zoning")
    with pytest.raises(PermissionDenied):
        services.program_set(actor=steward, weights={"effort": 3})
    with pytest.raises(PermissionDenied):
        services.inventory_item_shortlist(actor=steward, item=found, on=True)
    refused = api(steward).patch(
        "/api/v1/program", json.dumps({"weights": {"effort": 3}}), content_type="application/json"
    )
    assert refused.status_code == 403


def test_the_shortlist_warns_when_too_long_or_holding_an_unresolved_risk(
    public_works: Any, coordinator: Any
) -> None:
    services.program_set(actor=coordinator, shortlist_target=2)
    chosen = [
        item(public_works, "PW-1", "Zoning", public_requests=5),
        item(public_works, "PW-2", "Permits"),
        item(public_works, "PW-3", "Code complaints", privacy="personal"),
    ]
    for found in chosen[:2]:
        services.inventory_item_shortlist(actor=coordinator, item=found, on=True)
    assert selectors.shortlist(actor=coordinator).warnings == []
    services.inventory_item_shortlist(actor=coordinator, item=chosen[2], on=True)
    warnings = selectors.shortlist(actor=coordinator).warnings
    assert len(warnings) == 2
    assert "3 items, more than its target of 2" in warnings[0]
    assert warnings[1].startswith("Code complaints has a risk nobody marked as handled")
    InventoryItem.objects.filter(identifier="PW-3").update(risk_resolved=True)
    assert len(selectors.shortlist(actor=coordinator).warnings) == 1


def test_shortlisting_moves_the_state_and_is_recorded(public_works: Any, coordinator: Any) -> None:
    found = item(public_works, "PW-1", "Zoning")
    found = services.inventory_item_shortlist(actor=coordinator, item=found, on=True)
    assert found.on_shortlist and found.state == "shortlisted"
    assert last("inventory_item.shortlisted").after == {
        "on_shortlist": True,
        "state": "shortlisted",
    }
    found = services.inventory_item_shortlist(actor=coordinator, item=found, on=False)
    assert not found.on_shortlist and found.state == "candidate"
    barred = item(public_works, "PW-2", "Jail roster", state="not releasable", reason="security")
    with pytest.raises(Conflict, match="not releasable"):
        services.inventory_item_shortlist(actor=coordinator, item=barred, on=True)


def test_the_ranking_and_the_shortlist_over_the_api(public_works: Any, coordinator: Any) -> None:
    item(public_works, "PW-1", "Zoning", public_requests=12)
    client = api(coordinator)
    ranking = client.get("/api/v1/program/ranking").json()["items"]
    assert ranking[0]["rank"] == 1 and ranking[0]["why"][0].startswith("+9.0 public requests")
    assert ranking[0]["factors"]["public_requests"] == {"value": 12, "points": 3.0, "weight": 3}
    assert client.post("/api/v1/inventory/PW-1/shortlist").json()["on_shortlist"] is True
    shortlist = client.get("/api/v1/program/shortlist").json()
    assert shortlist["target"] == 5 and [i["identifier"] for i in shortlist["items"]] == ["PW-1"]
    bad = client.patch(
        "/api/v1/program", json.dumps({"weights": {"effort": 11}}), content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "weights.effort"
    assert client.delete("/api/v1/inventory/PW-1/shortlist").json()["on_shortlist"] is False
