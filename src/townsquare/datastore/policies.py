"""Who may load data and who may read it. Built on the catalog's policies: data follows its
dataset's access level."""

from __future__ import annotations

from townsquare.accounts.policies import is_coordinator
from townsquare.catalog import policies as catalog
from townsquare.catalog.models import Dataset
from townsquare.core.actors import Actor
from townsquare.datastore.models import DataVersion


def can_ingest(actor: Actor, dataset: Dataset) -> bool:
    return catalog.can_edit_dataset(actor, dataset)


def can_reread_version(actor: Actor, version: DataVersion) -> bool:
    """Read a version's original file again with a chosen table schema (types, withheld
    columns): its dataset's stewards, for a ready version whose original is kept."""
    return (
        can_ingest(actor, version.dataset)
        and version.status == DataVersion.Status.READY
        and bool(version.original)
    )


def can_read_data(actor: Actor, dataset: Dataset) -> bool:
    """Rows, queries, exports and previews: the same rule as downloading the dataset's files."""
    return catalog.can_download_files(actor, dataset)


def can_see_versions(actor: Actor, dataset: Dataset) -> bool:
    return catalog.can_view_dataset(actor, dataset)


def can_publish_without_review(actor: Actor) -> bool:
    """Load a version with the approval policy's review overridden (``townsquare ingest
    --publish``): the operator, and coordinators, who set the policy. Recorded as an override."""
    return is_coordinator(actor)
