"""CKAN's write actions, through the same services as the pages and the native API: the
publication decision (governance) holds for CKAN clients too.

- ``package_create`` makes a dataset; when the organization's policy reviews new datasets it
  is a draft sent to review at once, and the answer's ``publication`` says so.
- ``package_update`` and ``package_patch`` edit the metadata: a published dataset's edit goes
  to its working copy when the policy reviews edits (``publication`` says so, and
  ``package_show`` keeps showing the published copy until it is approved). Resources are
  changed with the resource actions; a package dict's ``resources`` is ignored by updates.
- ``package_delete`` archives a published dataset (CKAN's soft delete) and deletes a draft.
- ``resource_create`` adds a link (``url``) or an upload (``upload``, multipart): a table is
  loaded into the data table (checked, then published as the policy decides), anything else
  attached.

Unknown fields are refused, as CKAN does (``__junk``); the fields CKAN sends back in a package
dict (``id``, ``metadata_modified``, ``num_tags``, …) are accepted and ignored, so a client may
send back what it read."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import JSONField

from townsquare.catalog import services as catalog
from townsquare.catalog.models import METADATA_FIELDS, Dataset, Distribution, Organization
from townsquare.catalog.vocabularies import AccessLevel, State
from townsquare.governance import files, workflow
from townsquare.interop.ckan import dicts, params
from townsquare.interop.ckan.actions import loaded, visible_dataset
from townsquare.interop.ckan.errors import NotFoundError, ValidationError
from townsquare.interop.ckan.registry import Call, action

# CKAN's package field → the dataset's.
FIELDS = {
    "name": "slug",
    "title": "title",
    "notes": "description",
    "url": "landing_page",
    "license_id": "license",
    "maintainer": "contact_name",
    "maintainer_email": "contact_email",
}
# What a package dict carries that a write ignores (sent back as read).
READ_ONLY = {
    "id", "metadata_created", "metadata_modified", "organization", "num_resources", "num_tags",
    "isopen", "license_title", "license_url", "type", "state", "creator_user_id",
    "relationships_as_subject", "relationships_as_object", "ckan_url", "resources", "author",
    "author_email", "version", "publication",
}  # fmt: skip
# Extras that are Dataset fields (the rest become custom fields); these are read-only.
_EXTRA_FIELDS = set(METADATA_FIELDS) - set(FIELDS.values())
_EXTRA_FIELDS -= {"keywords", "themes", "extras", "featured", "identifier"}
# Of those, the lists (sent as JSON text in an extra's value).
_LIST_FIELDS = {
    f.name
    for f in Dataset._meta.get_fields()
    if isinstance(f, JSONField) and f.name in _EXTRA_FIELDS
}
_DERIVED_EXTRAS = {"identifier", "publisher", "theme", "featured"}
RESOURCE_FIELDS = {
    "name": "title",
    "description": "description",
    "format": "format",
    "mimetype": "media_type",
    "url": "download_url",
}
RESOURCE_READ_ONLY = {
    "id", "package_id", "size", "hash", "resource_type", "url_type", "created", "last_modified",
    "metadata_modified", "cache_url", "cache_last_updated", "state", "position",
    "datastore_active", "mimetype_inner", "access_url", "download_url",
}  # fmt: skip


def _values(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    unknown = sorted(
        set(data) - set(FIELDS) - READ_ONLY - {"tags", "groups", "extras", "private", "owner_org"}
    )
    if unknown:
        raise ValidationError(
            {"__junk": [f"The input field {name} was not expected." for name in unknown]}
        )
    values = {ours: data[theirs] for theirs, ours in FIELDS.items() if theirs in data}
    if not creating:
        values.pop("slug", None)  # a rename is not a CKAN update
    if "tags" in data:
        values["keywords"] = [_named(t, "tags") for t in data["tags"] or []]
    if "groups" in data:
        values["themes"] = [_named(g, "groups").upper() for g in data["groups"] or []]
    if "private" in data:
        private = params.boolean(data, "private", False)
        values["access_level"] = AccessLevel.NON_PUBLIC if private else AccessLevel.PUBLIC
    for extra in data.get("extras") or []:
        if not isinstance(extra, dict) or "key" not in extra:
            raise ValidationError({"extras": ['Each extra is {"key": …, "value": …}.']})
        key, value = str(extra["key"]), extra.get("value")
        if key in _EXTRA_FIELDS:
            values[key] = value
        elif key not in _DERIVED_EXTRAS:
            values.setdefault("extras", {})[key] = value
    return values


def _listed(key: str, value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ValidationError({key: ['A list, as JSON: ["a", "b"].']}) from None
    return value


def _named(item: Any, field: str) -> str:
    name = item.get("name") if isinstance(item, dict) else item
    if not isinstance(name, str) or not name.strip():
        raise ValidationError({field: ["Each one needs a name."]})
    return name.strip()


def _organization(key: str) -> Organization:
    found = Organization.objects.filter(slug=key).first()
    if found is None and key.isdigit():
        found = Organization.objects.filter(pk=int(key)).first()
    if found is None:
        raise ValidationError({"owner_org": ["Organization does not exist"]})
    return found


def _ckan_fields(error: DjangoValidationError) -> ValidationError:
    """A catalog validation error with the field names CKAN clients sent."""
    theirs = {ours: theirs for theirs, ours in FIELDS.items()}
    theirs.update(keywords="tags", themes="groups", access_level="private")
    return ValidationError(
        {theirs.get(name, name): list(messages) for name, messages in error.message_dict.items()}
    )


def _answer(call: Call, dataset: Dataset, publication: dict[str, Any]) -> dict[str, Any]:
    shown = dicts.package_dict(call.request, loaded(Dataset.objects.filter(pk=dataset.pk)).get())
    shown["publication"] = publication
    return shown


@action(side_effect_free=False)
def package_create(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    """Create a dataset: ``name``, ``title``, ``owner_org``, ``notes``, ``license_id``,
    ``private``, ``url``, ``tags``, ``groups``, ``extras``, ``maintainer``,
    ``maintainer_email``, ``resources`` (links). Published at once, or sent to review, as the
    organization's policy decides (``publication``)."""
    values = _values(data, creating=True)
    organization = _organization(params.required(data, "owner_org"))
    params.required(data, "name")
    try:
        with transaction.atomic():
            dataset = workflow.dataset_create(actor=call.actor, organization=organization, **values)
            for resource in data.get("resources") or []:
                _resource_add(call, dataset, resource)
            publication = _publication(call, dataset)
    except DjangoValidationError as error:
        raise _ckan_fields(error) from None
    return _answer(call, dataset, publication)


def _publication(call: Call, dataset: Dataset) -> dict[str, Any]:
    if dataset.state == State.PUBLISHED:
        return {"state": "published", "message": "Published."}
    change = workflow.change_submit(actor=call.actor, dataset=dataset)
    return {
        "state": "in review",
        "change": change.pk,
        "message": "A draft, sent to review: it is published when an approver signs it off.",
    }


def _edit(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    dataset = visible_dataset(call, params.required(data, "id"))
    values = _values(data, creating=False)
    organization = _organization(str(data["owner_org"])) if data.get("owner_org") else None
    if organization is not None and organization.pk == dataset.organization_id:
        organization = None
    try:
        edited = workflow.dataset_edit(
            actor=call.actor, dataset=dataset, organization=organization, **values
        )
    except DjangoValidationError as error:
        raise _ckan_fields(error) from None
    publication: dict[str, Any]
    if edited.change is None:
        publication = {
            "state": dicts.STATES.get(State(edited.dataset.state), ""),
            "message": "Saved.",
        }
    else:
        publication = {
            "state": "in working copy",
            "change": edited.change.pk,
            "message": "Saved in the working copy: the published dataset changes when the "
            "change is submitted and approved.",
        }
    return _answer(call, edited.dataset, publication)


@action(side_effect_free=False)
def package_update(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    """Update a dataset (``id``): the fields given replace its own; tags, groups and extras
    given replace the dataset's. Resources are changed with the resource actions."""
    return _edit(call, data)


@action(side_effect_free=False)
def package_patch(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    """Change only the fields given of a dataset (``id``)."""
    return _edit(call, data)


@action(side_effect_free=False)
def package_delete(call: Call, data: dict[str, Any]) -> None:
    """Archive a published dataset (``id``; CKAN's soft delete: out of public view, kept), or
    delete a draft or an archived one."""
    dataset = visible_dataset(call, params.required(data, "id"))
    if dataset.state == State.PUBLISHED:
        workflow.dataset_archive(actor=call.actor, dataset=dataset)
    else:
        catalog.dataset_delete(actor=call.actor, dataset=dataset)


def _resource_values(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(
        set(data) - set(RESOURCE_FIELDS) - RESOURCE_READ_ONLY - {"upload", "package_id", "id"}
    )
    if unknown:
        raise ValidationError(
            {"__junk": [f"The input field {name} was not expected." for name in unknown]}
        )
    return {
        ours: data[theirs]
        for theirs, ours in RESOURCE_FIELDS.items()
        if theirs in data and data[theirs] is not None
    }


def _resource_add(call: Call, dataset: Dataset, data: dict[str, Any]) -> dict[str, Any]:
    values = _resource_values(data)
    values.setdefault("title", "")
    upload = data.get("upload")
    if upload is not None and hasattr(upload, "read"):
        added = files.file_add(actor=call.actor, dataset=dataset, upload=upload, **values)
    else:
        if not values.get("download_url"):
            raise ValidationError({"url": ["Missing value"]})
        values["title"] = values["title"] or str(values["download_url"]).rsplit("/", 1)[-1]
        added = files.link_add(actor=call.actor, dataset=dataset, **values)
    if added.distribution is not None:
        return dicts.resource_dict(call.request, added.distribution, dataset)
    assert added.version is not None
    version = added.version.version
    return {
        "id": f"data-{dataset.pk}",
        "package_id": dataset.identifier,
        "name": "Data table",
        "datastore_active": False,
        "state": "active",
        "version": {"number": version.number, "status": version.status},
        "message": "Loading into the data table: checked, then published as the policy decides.",
    }


@action(side_effect_free=False)
def resource_create(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    """Add a resource to a dataset (``package_id``): a link (``url``) or a file (``upload``,
    multipart/form-data), with ``name``, ``description``, ``format``, ``mimetype``. A table is
    loaded into the dataset's data table."""
    dataset = visible_dataset(call, params.required(data, "package_id"))
    try:
        with transaction.atomic():
            return _resource_add(call, dataset, data)
    except DjangoValidationError as error:
        raise ValidationError({k: list(v) for k, v in error.message_dict.items()}) from None


def _distribution(call: Call, data: dict[str, Any]) -> Distribution:
    key = params.required(data, "id")
    found = (
        Distribution.objects.select_related("dataset", "dataset__organization")
        .filter(pk=int(key) if key.isdigit() else 0)
        .first()
    )
    if found is None:
        raise NotFoundError("Resource was not found.")
    visible_dataset(call, found.dataset.identifier)  # NotFound unless the caller may see it
    return found


def _resource_edit(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    distribution = _distribution(call, data)
    values = _resource_values(data)
    if "download_url" in values and distribution.kind == Distribution.Kind.FILE:
        values.pop("download_url")  # an uploaded file's address is the portal's
    try:
        changed = files.distribution_change(actor=call.actor, distribution=distribution, **values)
    except DjangoValidationError as error:
        raise ValidationError({k: list(v) for k, v in error.message_dict.items()}) from None
    return dicts.resource_dict(call.request, changed, changed.dataset)


@action(side_effect_free=False)
def resource_update(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    """Update a resource (``id``): ``name``, ``description``, ``format``, ``mimetype``,
    ``url``."""
    return _resource_edit(call, data)


@action(side_effect_free=False)
def resource_patch(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    """Change only the fields given of a resource (``id``)."""
    return _resource_edit(call, data)


@action(side_effect_free=False)
def resource_delete(call: Call, data: dict[str, Any]) -> None:
    """Remove a resource (``id``): at once, or when the working copy is approved."""
    files.distribution_remove(actor=call.actor, distribution=_distribution(call, data))
