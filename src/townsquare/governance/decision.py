"""The publication decision, in one place. For any change — a new dataset, a metadata edit, a
data version (an upload, a URL, a refresh, the operator's command), files and links — it says
what blocks it (quality errors), what a privacy officer must sign off first (open privacy
findings, documents nobody looked at), and why the approval policy wants its sign-offs. Pages,
the API, commands, tasks, the template tags and the review screen all ask here; nothing else
re-derives it. Who may sign a step is approval.py's business."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from townsquare.catalog.models import Dataset, Distribution
from townsquare.catalog.vocabularies import AccessLevel, State
from townsquare.core.errors import Conflict
from townsquare.datastore import diff
from townsquare.datastore.models import DataVersion, PublishedVersion
from townsquare.datastore.selectors import published_version
from townsquare.governance.models import ApprovalPolicy, Change
from townsquare.quality import gate
from townsquare.quality import services as quality

# Wider access, higher number: widening always needs review.
OPENNESS: dict[str, int] = {
    AccessLevel.NON_PUBLIC: 0,
    AccessLevel.RESTRICTED: 1,
    AccessLevel.PUBLIC: 2,
}
STEP_ROLES = {r.value for r in ApprovalPolicy.Role}


@dataclass(frozen=True)
class Decision:
    """What a change may do now."""

    errors: int = 0  # quality errors: it is never published while there are any
    privacy: tuple[str, ...] = ()  # what a privacy officer signs off first
    reasons: tuple[str, ...] = ()  # why the approval policy's sign-offs are needed
    overridden: bool = False  # the operator's --publish is what spares it the review

    @property
    def blocked(self) -> bool:
        return self.errors > 0

    @property
    def at_once(self) -> bool:
        """Nothing blocks it, nothing to sign off, no review: it applies now."""
        return not self.blocked and not self.privacy and not self.reasons


# --- The policy that applies, and what it says ---------------------------------------------


def approval_policy_for(organization_id: int | None) -> ApprovalPolicy:
    """The organization's own policy, else the site-wide one, else the built-in default
    (unsaved): new datasets, metadata edits and data versions need one approver's sign-off."""
    if organization_id is not None:
        own = ApprovalPolicy.objects.filter(organization_id=organization_id).first()
        if own is not None:
            return own
    site = ApprovalPolicy.objects.filter(organization__isnull=True).first()
    return site if site is not None else ApprovalPolicy()


def check_steps(steps: Any) -> list[dict[str, Any]]:
    """The steps of a policy: a non-empty list of {"role": approver|coordinator, "count": n}."""
    if not isinstance(steps, list) or not steps:
        raise ValidationError({"steps": "Name at least one step, for example approver:1."})
    cleaned = []
    for index, step in enumerate(steps, start=1):
        role = step.get("role") if isinstance(step, dict) else None
        count = step.get("count", 1) if isinstance(step, dict) else None
        if role not in STEP_ROLES:
            raise ValidationError(
                {"steps": f"Step {index}: the role must be approver or coordinator."}
            )
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 5:
            raise ValidationError({"steps": f"Step {index}: the count must be 1 to 5 sign-offs."})
        cleaned.append({"role": role, "count": count})
    return cleaned


def widens_access(before: str, after: str) -> bool:
    return OPENNESS.get(after, 0) > OPENNESS.get(before, 0)


def outside_organization(access_level: str) -> bool:
    """Data at this access level is seen outside its organization (restricted: on request)."""
    return OPENNESS.get(access_level, 0) > 0


# --- Each kind of change --------------------------------------------------------------------


def new_dataset(organization_id: int) -> Decision:
    """A new dataset: a draft to submit, or published at once when the policy says so."""
    needed = approval_policy_for(organization_id).review_new_dataset
    return Decision(reasons=("new dataset",) if needed else ())


def metadata_edit(dataset: Dataset, values: dict[str, Any]) -> Decision:
    """An edit of a published dataset's metadata (``values``: what would change). Widening the
    access level always needs review; opening a non-public dataset's data needs its privacy
    findings signed off."""
    if dataset.state != State.PUBLISHED:
        return Decision()
    reasons = []
    level = values.get("access_level")
    if level is not None and widens_access(dataset.access_level, level):
        reasons.append("wider access")
    changed = [n for n, v in values.items() if getattr(dataset, n, None) != v]
    if approval_policy_for(dataset.organization_id).review_metadata_edit and changed:
        reasons.append("metadata edit")
    privacy: tuple[str, ...] = ()
    if level is not None and _opens(dataset, str(level)):
        privacy = _findings(published_version(dataset))
    return Decision(privacy=privacy, reasons=tuple(reasons))


def data_version(version: DataVersion, *, put_forward: bool = False) -> Decision:
    """A ready data version of its dataset, whatever door it came by (an upload, a URL, a
    refresh, the operator's command): blocked by quality errors; held for a privacy officer
    while a published dataset seen outside its organization would show open findings; reviewed
    when the policy reviews data versions — unless the dataset is not published yet (its
    publication is the reviewed change), it is a refresh whose checks pass and the policy
    publishes those, or the operator loaded it with ``--publish`` (the version's ``override``
    option, recorded in the audit trail as an override). ``put_forward``: a person put the
    version forward again (a rollback), which those two exemptions of its arrival never cover."""
    dataset = version.dataset
    report = quality.report_of(version) or quality.version_check(version)
    errors = report.errors if report.blocks_publication else 0
    published = dataset.state == State.PUBLISHED
    privacy = _findings(version) if published and outside_organization(dataset.access_level) else ()
    policy = approval_policy_for(dataset.organization_id)
    refresh = bool(version.options.get("refresh"))
    reviewed = (
        published
        and policy.review_data_version
        and not (
            refresh
            and not put_forward
            and policy.auto_publish_refresh
            and refresh_checks_pass(version)
        )
    )
    spared = reviewed and not put_forward and overridden(version)
    return Decision(
        errors=errors,
        privacy=privacy,
        reasons=("new data version",) if reviewed and not spared else (),
        overridden=spared,
    )


def overridden(version: DataVersion) -> bool:
    """The operator published this version without the approval policy's review (an explicit
    ``townsquare ingest --publish``); quality errors and privacy findings still hold it."""
    return bool(version.options.get("override"))


def files(dataset: Dataset, privacy: str) -> Decision:
    """A new or replaced file or link of a dataset: files of a published dataset are reviewed
    when its metadata edits are; a document nobody looked at (``privacy`` required) waits for a
    privacy officer on a published dataset seen outside its organization."""
    if dataset.state != State.PUBLISHED:
        return Decision()
    looked = privacy == Distribution.Privacy.REQUIRED and outside_organization(dataset.access_level)
    reviewed = approval_policy_for(dataset.organization_id).review_metadata_edit
    return Decision(
        privacy=("files to sign off",) if looked else (), reasons=("files",) if reviewed else ()
    )


def refresh_checks_pass(version: DataVersion) -> bool:
    """A refresh may publish without review when its table has the published one's columns
    and types, and every value was read (no cast failures, no ragged rows)."""
    published = (
        PublishedVersion.objects.filter(dataset_id=version.dataset_id)
        .select_related("version")
        .first()
    )
    if published is None:
        return False
    shape = [(f["name"], f["type"]) for f in version.fields]
    before = [(f["name"], f["type"]) for f in published.version.fields]
    report = version.report or {}
    return shape == before and not report.get("cast_failures") and not report.get("ragged_rows")


TYPE_WORDS = {"string": "text", "number": "number", "integer": "whole number"}


def why_held(version: DataVersion, published: DataVersion | None, verdict: Decision) -> str:
    """Why a refresh waits for review instead of being published at once, in the stewards'
    words: the columns or types that changed, values not read, a privacy sign-off, the policy."""
    if published is None:
        return "the dataset's first data is reviewed before it is published"
    compared = diff.compare(published, version)
    reasons = [
        f"column `{c['column']}` changed from {TYPE_WORDS.get(c['before'], c['before'])} "
        f"to {TYPE_WORDS.get(c['after'], c['after'])}"
        for c in compared["types_changed"]
    ]
    reasons += [f"column `{name}` was added" for name in compared["columns_added"]]
    reasons += [f"column `{name}` was removed" for name in compared["columns_removed"]]
    report = version.report or {}
    if report.get("cast_failures") or report.get("ragged_rows"):
        reasons.append("some values could not be read as their column's type")
    if verdict.privacy:
        reasons.append(f"a privacy officer signs off first ({', '.join(verdict.privacy)})")
    policy = approval_policy_for(version.dataset.organization_id)
    if not reasons and not policy.auto_publish_refresh:
        reasons.append("the approval policy reviews every refresh")
    return "; ".join(reasons) or "the approval policy reviews this version"


# --- A change in the working copy, as a whole -------------------------------------------------


def data_made_public(change: Change) -> DataVersion | None:
    """The data version this change would show outside the organization, if any: its new
    version, or the dataset's data when the change first publishes the dataset or opens a
    non-public one."""
    dataset = change.dataset
    level = change.metadata.get("access_level", dataset.access_level)
    if not outside_organization(level):
        return None
    if change.data_version_id:
        return change.data_version
    if change.new_dataset or not outside_organization(dataset.access_level):
        return published_version(dataset)
    return None


def files_made_public(change: Change) -> list[Distribution]:
    """The documents and file links this change would show outside the organization that no
    privacy officer signed off yet: the files it adds, and every file of the dataset when it
    first publishes the dataset or opens a non-public one."""
    dataset = change.dataset
    level = change.metadata.get("access_level", dataset.access_level)
    if not outside_organization(level):
        return []
    found = Distribution.objects.filter(dataset=dataset, privacy=Distribution.Privacy.REQUIRED)
    if not (change.new_dataset or not outside_organization(dataset.access_level)):
        found = found.filter(pk__in=change.files_added)
    removed = set(change.files_removed)
    return [d for d in found.order_by("position", "pk") if d.pk not in removed]


def privacy_due(change: Change) -> bool:
    return not gate.cleared(data_made_public(change)) or bool(files_made_public(change))


def for_change(change: Change) -> Decision:
    """A change as submitted: the reasons it is reviewed (shown on the review screen and in the
    inbox), what a privacy officer signs off first, and quality errors of its data."""
    dataset = change.dataset
    privacy = []
    if not gate.cleared(data_made_public(change)):
        privacy.append("privacy findings")
    if files_made_public(change):
        privacy.append("files to sign off")
    errors = 0
    if change.data_version is not None:
        errors = data_version(change.data_version).errors
    if change.new_dataset:
        first = "new dataset" if dataset.state == State.DRAFT else "republication"
        return Decision(errors=errors, privacy=tuple(privacy), reasons=(first,))
    reasons = list(metadata_edit(dataset, change.metadata).reasons)
    if change.metadata and not reasons:  # submitted though the policy would not require it
        reasons.append("metadata edit")
    if (change.files_added or change.files_removed) and "metadata edit" not in reasons:
        reasons.append("files")
    if change.data_version_id:
        reasons.append("new data version")
    return Decision(errors=errors, privacy=tuple(privacy), reasons=tuple(reasons))


def steps(change: Change) -> list[dict[str, Any]]:
    """The policy's sign-off steps for the change; none when nothing it holds is reviewed by
    the policy and it waits only for a privacy sign-off (the privacy step comes first anyway):
    a data version the policy does not review or the operator published at once, documents the
    policy would publish at once."""
    policy = approval_policy_for(change.dataset.organization_id)
    if change.new_dataset or change.metadata or change.files_removed or not privacy_due(change):
        return check_steps(policy.steps)
    reviewed = change.data_version is not None and bool(
        data_version(change.data_version, put_forward=change.data_put_forward).reasons
    )
    reviewed = reviewed or (bool(change.files_added) and policy.review_metadata_edit)
    return check_steps(policy.steps) if reviewed else []


# --- Refusals: what is never published -----------------------------------------------------


def ensure_no_errors(version: DataVersion, attempt: str) -> None:
    """A version whose quality report has errors is never published, by any path."""
    errors = data_version(version).errors
    if errors:
        raise Conflict(
            f"Version {version.number} cannot be published: its quality report has "
            f"{errors} error(s). Fix the data (or its table schema) and load it again.",
            attempt=attempt,
            target=version,
        )


def ensure_private_data_cleared(version: DataVersion | None, attempt: str) -> None:
    """Data with privacy findings nobody accepted is never shown outside its organization."""
    found = gate.open_findings(version) if version is not None else []
    if found:
        assert version is not None
        columns = ", ".join(sorted({str(f["column"]) for f in found}))
        raise Conflict(
            f"Version {version.number} has privacy findings in {columns}: a privacy officer "
            "must sign them off, or withhold those columns (exclude, mask or coarsen) and "
            "load the data again.",
            attempt=attempt,
            target=version,
        )


def ensure_files_cleared(change: Change, attempt: str) -> None:
    if files_made_public(change):
        raise Conflict(
            "A privacy officer must sign off the files of this change before they are public.",
            attempt=attempt,
            target=change.dataset,
        )


def _opens(dataset: Dataset, level: str) -> bool:
    return not outside_organization(dataset.access_level) and outside_organization(level)


def _findings(version: DataVersion | None) -> tuple[str, ...]:
    if version is None or gate.cleared(version):
        return ()
    return ("privacy findings",)
