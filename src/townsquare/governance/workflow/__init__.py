"""The publishing workflow: every change to what the public sees passes the approval policy.

A draft dataset is edited freely by its stewards, then submitted; a published dataset's edits
and new data versions go into its working copy (the public keeps seeing the published copy)
unless the policy lets them apply at once. Approvers sign off step by step; nobody approves
their own change; an edit after review started resets the review; the last sign-off
publishes. Every step is in the audit trail, and each decision is emailed.

The workflow's services, by topic: ``editing`` (working copies), ``versions`` (data versions
that arrive or are put forward) and ``review`` (submission, sign-off, publication)."""

from townsquare.governance.workflow.editing import (
    Edited,
    dataset_create,
    dataset_edit,
    edit_token,
    open_change,
    published_value,
)
from townsquare.governance.workflow.review import (
    change_approve,
    change_reject,
    change_submit,
    change_withdraw,
    dataset_archive,
)
from townsquare.governance.workflow.versions import version_choose, version_ready

__all__ = [
    "Edited",
    "change_approve",
    "dataset_archive",
    "dataset_create",
    "dataset_edit",
    "edit_token",
    "open_change",
    "published_value",
    "change_reject",
    "change_submit",
    "version_choose",
    "version_ready",
    "change_withdraw",
]
