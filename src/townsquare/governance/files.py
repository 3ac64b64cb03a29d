"""Files and links entering a dataset, by one path whatever the door (page, API, command).

A file that can be read as a table becomes a new version of the dataset's data table: it is
validated and scanned for personal data like every data version, and its original is offered
as a download beside the data once published. Any other file (a PDF, a zip of documents) and
any link to a downloadable file is attached as a distribution that a privacy officer signs off
before the public sees it: it waits in the working copy whatever the approval policy says. A
link to a page or a service (an access URL only) is metadata, reviewed like metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from townsquare.catalog import distributions
from townsquare.catalog.models import Dataset, Distribution
from townsquare.core.actors import Actor
from townsquare.datastore import services as datastore
from townsquare.datastore.readers.detect import is_table
from townsquare.governance import decision
from townsquare.governance.workflow.editing import open_change, record_edit, working_copy
from townsquare.quality import services as quality

READER_OPTIONS = ("format", "encoding", "delimiter", "sheet")


@dataclass
class Added:
    """What an upload or a link became: a distribution, or a version of the data table."""

    distribution: Distribution | None = None
    version: datastore.Created | None = None


def file_add(
    *,
    actor: Actor,
    dataset: Dataset,
    upload: Any,
    options: dict[str, Any] | None = None,
    **values: Any,
) -> Added:
    """An uploaded file: a table goes into the data table, anything else is attached."""
    options = {k: v for k, v in (options or {}).items() if k in READER_OPTIONS and v}
    if options.get("format") or is_table(upload.name or "", upload):
        return Added(
            version=datastore.version_create(
                actor=actor, dataset=dataset, upload=upload, options=options
            )
        )
    return Added(
        distribution=distribution_add(actor=actor, dataset=dataset, upload=upload, **values)
    )


def link_add(*, actor: Actor, dataset: Dataset, **values: Any) -> Added:
    """A link: to a table, loaded into the data table from its URL (so it is checked, and can
    be refreshed); to another file, attached for a privacy sign-off; to a page, attached."""
    url = str(values.get("download_url") or "")
    if url and is_table(url, media_type=str(values.get("media_type") or "")):
        return Added(
            version=datastore.version_create_from_url(actor=actor, dataset=dataset, url=url)
        )
    return Added(distribution=distribution_add(actor=actor, dataset=dataset, **values))


def _files_reviewed(dataset: Dataset) -> bool:
    """Files of a published dataset are metadata: reviewed when its metadata edits are."""
    return bool(decision.files(dataset, Distribution.Privacy.NOT_NEEDED).reasons)


def _held(dataset: Dataset, privacy: str) -> bool:
    """A new file or link waits in the working copy: when the policy reviews files, and always
    when it needs a privacy sign-off on a published dataset seen outside its organization."""
    return not decision.files(dataset, privacy).at_once


def _privacy_of(upload: Any, values: dict[str, Any]) -> str:
    """Uploaded documents and links to downloadable files are looked at by a privacy officer."""
    if upload is not None or values.get("download_url"):
        return Distribution.Privacy.REQUIRED
    return Distribution.Privacy.NOT_NEEDED


@transaction.atomic
def distribution_add(
    *, actor: Actor, dataset: Dataset, upload: Any = None, **values: Any
) -> Distribution:
    """A new document or link: public at once, or pending in the working copy."""
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    privacy = _privacy_of(upload, values)
    held = _held(dataset, privacy)
    if upload is not None:
        added = distributions.distribution_add_file(
            actor=actor, dataset=dataset, upload=upload, pending=held, privacy=privacy, **values
        )
    else:
        added = distributions.distribution_add_link(
            actor=actor, dataset=dataset, pending=held, privacy=privacy, **values
        )
    if held:
        change = working_copy(actor, dataset, open_change(dataset, lock=True))
        change.files_added = [*change.files_added, added.pk]
        record_edit(actor, change, {"file_added": added.title})
    else:
        quality.links_recheck(dataset.pk)
    return added


@transaction.atomic
def distribution_change(
    *, actor: Actor, distribution: Distribution, upload: Any = None, **values: Any
) -> Distribution:
    """Change a file or link (or replace its file): at once, or as a pending copy in the
    working copy that replaces it when approved. A new file or download address is signed off
    again by a privacy officer."""
    if upload is not None and is_table(upload.name or "", upload):
        raise ValidationError(
            {
                "file": "This file is a table: upload it with “Upload a file” and it becomes "
                "the dataset's data table, checked and scanned for personal data."
            }
        )
    dataset = Dataset.objects.select_for_update().get(pk=distribution.dataset_id)
    new_address = values.get("download_url") not in (None, distribution.download_url)
    privacy = (
        _privacy_of(upload, values) if upload is not None or new_address else distribution.privacy
    )
    if distribution.pending or not _held(dataset, privacy):
        quality.links_recheck(dataset.pk)
        return distributions.distribution_update(
            actor=actor, distribution=distribution, upload=upload, privacy=privacy, **values
        )
    copy = distributions.distribution_copy(
        actor=actor, distribution=distribution, upload=upload, privacy=privacy, **values
    )
    change = working_copy(actor, dataset, open_change(dataset, lock=True))
    change.files_added = [*change.files_added, copy.pk]
    change.files_removed = [*change.files_removed, distribution.pk]
    record_edit(actor, change, {"file_replaced": distribution.title})
    return copy


@transaction.atomic
def distribution_remove(*, actor: Actor, distribution: Distribution) -> None:
    """Remove a file or link: at once, or when the working copy is approved."""
    dataset = Dataset.objects.select_for_update().get(pk=distribution.dataset_id)
    change = open_change(dataset, lock=True)
    if distribution.pending or not _files_reviewed(dataset):
        distributions.distribution_delete(actor=actor, distribution=distribution)
        if change is not None and distribution.pk in change.files_added:
            change.files_added = [pk for pk in change.files_added if pk != distribution.pk]
            record_edit(actor, change, {"file_dropped": distribution.title})
        return
    if change is not None and distribution.pk in change.files_removed:
        return
    change = working_copy(actor, dataset, change)
    change.files_removed = [*change.files_removed, distribution.pk]
    record_edit(actor, change, {"file_removed": distribution.title})
