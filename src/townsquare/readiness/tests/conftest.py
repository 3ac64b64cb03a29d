"""The readiness tests' shared fixture: a portal ready to launch."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import dataset_values
from townsquare.catalog.models import Dataset
from townsquare.governance import services as governance
from townsquare.governance import workflow
from townsquare.governance.tests.helpers import member
from townsquare.readiness.models import InventoryItem, Program


@pytest.fixture
def prepared(
    public_works: Any, admin: Any, coordinator: Any, steward: Any, approver: Any
) -> Dataset:
    """A portal ready to launch: purpose and signed policy, roles, an approval policy, the
    inventory, and one shortlisted dataset published through sign-off."""
    governance.document_revise(actor=coordinator, kind="purpose", title="Why", body="To be open.")
    governance.signatory_set(actor=coordinator, kind="policy", role="Mayor", user=admin)
    policy = governance.document_revise(actor=coordinator, kind="policy", title="P", body="Rules.")
    governance.document_sign(actor=admin, document=policy, role="Mayor")
    governance.approval_policy_set(actor=coordinator, review_new_dataset=True)
    member("officer", public_works, role="privacy")
    dataset = workflow.dataset_create(
        actor=steward,
        organization=public_works,
        **dataset_values(described_by="https://town.example/permits-dictionary"),
    )
    change = workflow.change_submit(actor=steward, dataset=dataset)
    workflow.change_approve(actor=approver, change=change, revision=change.revision)
    InventoryItem.objects.create(
        identifier="PW-001",
        title="Building permits",
        organization=public_works,
        dataset=dataset,
        on_shortlist=True,
        state="published",
    )
    Program.objects.create(min_score=40)
    return Dataset.objects.get(pk=dataset.pk)
