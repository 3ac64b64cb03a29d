"""The CKAN actions Townsquare answers, one function each, in a registry by name.

Every read goes through the catalog's visibility rule (``selectors.visibility``): a dataset
someone may not see is "Not found" to them, and is in no count, facet or list they get. As in
CKAN, ``package_search`` leaves out non-public ("private") datasets unless
``include_private=true``, and drafts unless ``include_drafts=true``; ``package_list`` and
``current_package_list_with_resources`` list the public, published ones."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from townsquare.catalog import policies, search, selectors
from townsquare.catalog.models import Dataset, Distribution, Organization
from townsquare.catalog.vocabularies import THEMES, THEMES_BY_CODE
from townsquare.interop.ckan import dicts, params, queries
from townsquare.interop.ckan.errors import AuthorizationError, NotFoundError, ValidationError
from townsquare.interop.ckan.registry import ACTIONS, Call, action

# The CKAN release whose Action API this follows (status_show says so).
CKAN_VERSION = "2.11.0"
ROWS_MAX = 1000  # package_search rows, CKAN's ckan.search.rows_max
LIST_MAX = 1000  # organization_list, group_list, current_package_list_with_resources
PUBLIC = policies.Visibility(everything=False)


# -- the site ---------------------------------------------------------------------------------


@action(side_effect_free=True)
def status_show(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    """The site: title, address, and the CKAN API version it answers as."""
    return {
        "site_title": settings.SITE_NAME,
        "site_description": "",
        "site_url": settings.SITE_URL,
        "error_emails_to": None,
        "locale_default": "en",
        "extensions": ["datastore"],
        "ckan_version": CKAN_VERSION,
        "townsquare": True,
    }


@action(side_effect_free=True)
def site_read(call: Call, data: dict[str, Any]) -> bool:
    """Whether the site may be read: always true (CKAN 2.10 and earlier)."""
    return True


@action(side_effect_free=True)
def help_show(call: Call, data: dict[str, Any]) -> str:
    """The help text of an action: ``name``."""
    name = params.required(data, "name")
    if name not in ACTIONS:
        raise NotFoundError(f"Action function not found: {name}")
    return ACTIONS[name].help


@action(side_effect_free=True)
def license_list(call: Call, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The licenses a dataset may have."""
    return dicts.licenses()


# -- datasets ---------------------------------------------------------------------------------


def loaded(datasets: Any) -> Any:
    return datasets.select_related(
        "organization", "published_data", "published_data__version"
    ).prefetch_related("distributions")


def visible_dataset(call: Call, key: str) -> Dataset:
    """The dataset by name (slug) or id (identifier), if the caller may see it."""
    found: Dataset | None = loaded(Dataset.objects.filter(Q(slug=key) | Q(identifier=key))).first()
    if found is None or not policies.can_view_dataset(call.actor, found):
        raise NotFoundError("Dataset not found")
    return found


def _packages(call: Call, listed: list[search.Listed]) -> list[dict[str, Any]]:
    slugs = [item.slug for item in listed]
    by_slug = {d.slug: d for d in loaded(Dataset.objects.filter(slug__in=slugs))}
    return [dicts.package_dict(call.request, by_slug[s]) for s in slugs if s in by_slug]


@action(side_effect_free=True)
def package_show(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    """A dataset by ``id`` (its identifier) or name."""
    return dicts.package_dict(call.request, visible_dataset(call, params.required(data, "id")))


def _public_listing(offset: int, limit: int, sort: str) -> search.Results:
    return search.search(
        viewer=PUBLIC,
        query=search.Query(
            sort=sort, offset=offset, per_page=limit, published_only=True, facet_limit=0
        ),
    )


@action(side_effect_free=True)
def package_list(call: Call, data: dict[str, Any]) -> list[str]:
    """The names of the public, published datasets, by name: ``limit``, ``offset``."""
    offset = params.integer(data, "offset", 0)
    limit = params.integer(data, "limit", 10**9)
    results = _public_listing(offset, limit, "name")
    return [item.slug for item in results.datasets]


@action(side_effect_free=True)
def current_package_list_with_resources(call: Call, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The public, published datasets with their resources, the most recently changed first:
    ``limit`` (at most 1000), ``offset``."""
    offset = params.integer(data, "offset", 0)
    limit = params.integer(data, "limit", LIST_MAX, maximum=LIST_MAX)
    return _packages(call, _public_listing(offset, limit, "updated").datasets)


@action(side_effect_free=True)
def package_search(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    """Search datasets: ``q``, ``fq`` (and ``fq_list``), ``sort``, ``rows`` (at most 1000),
    ``start``, ``facet``, ``facet.field``, ``facet.limit``, ``include_private``,
    ``include_drafts``."""
    fq = [params.text(data, "fq"), *params.strings(data, "fq_list")]
    query, nothing = queries.search_query(
        params.text(data, "q"), [f for f in fq if f.strip()], params.text(data, "sort")
    )
    query.offset = params.integer(data, "start", 0)
    query.per_page = params.integer(data, "rows", 10, maximum=ROWS_MAX)
    query.published_only = not params.boolean(data, "include_drafts", False)
    limit = params.integer(data, "facet.limit", 50) if "facet.limit" in data else 50
    if str(data.get("facet.limit", "")).strip().startswith("-"):
        limit = -1
    query.facet_limit = None if limit < 0 else limit
    private = params.boolean(data, "include_private", False)
    viewer = selectors.visibility(call.actor) if private else PUBLIC
    fields = params.strings(data, "facet.field") if params.boolean(data, "facet", True) else []
    results = search.search(viewer=viewer, query=query)
    if nothing:
        results = search.Results(0, [], results.facets, 1, query.per_page)
    facets = _search_facets(results, fields, nothing)
    return {
        "count": results.count,
        "results": _packages(call, results.datasets),
        "sort": params.text(data, "sort") or "score desc, metadata_modified desc",
        "facets": {f: {i["name"]: i["count"] for i in v["items"]} for f, v in facets.items()},
        "search_facets": facets,
    }


def _search_facets(
    results: search.Results, fields: list[str], nothing: bool
) -> dict[str, dict[str, Any]]:
    found = {}
    for name in fields:
        facet = queries.FACETS.get(name)
        items = [] if facet is None or nothing else results.facets.get(facet, [])
        rows = [
            {
                "name": item.value.lower() if facet == "theme" else item.value,
                "display_name": item.label,
                "count": item.count,
            }
            for item in items
            if item.count
        ]
        rows.sort(key=lambda row: str(row["display_name"]), reverse=True)  # as CKAN orders them
        found[name] = {"title": name, "items": rows}
    return found


# -- organizations, groups, tags ----------------------------------------------------------


def _public_counts(facet: str) -> dict[str, int]:
    results = search.search(
        viewer=PUBLIC, query=search.Query(per_page=0, published_only=True, facet_limit=None)
    )
    return {item.value: item.count for item in results.facets.get(facet, [])}


def _list(data: dict[str, Any], rows: list[dict[str, Any]]) -> list[Any]:
    order = params.text(data, "sort", "title asc").split()
    key = order[0] if order else "title"
    if key not in ("name", "title", "package_count"):
        raise ValidationError({"sort": [f"Cannot sort by field `{key}`"]})
    rows.sort(
        key=lambda row: (row[key], row["name"]),
        reverse=len(order) > 1 and order[1].lower() == "desc",
    )
    offset = params.integer(data, "offset", 0)
    limit = params.integer(data, "limit", LIST_MAX, maximum=LIST_MAX)
    rows = rows[offset : offset + limit]
    if params.boolean(data, "all_fields", False):
        return rows
    return [row["name"] for row in rows]


@action(side_effect_free=True)
def organization_list(call: Call, data: dict[str, Any]) -> list[Any]:
    """The organizations: names, or dicts with ``all_fields``; ``sort`` (name, title,
    package_count; asc or desc), ``limit``, ``offset``, ``organizations`` (only these)."""
    counts = _public_counts("organization")
    wanted = set(params.strings(data, "organizations"))
    rows = [
        dicts.organization_dict(call.request, o, counts.get(o.slug, 0))
        for o in Organization.objects.all()
        if not wanted or o.slug in wanted
    ]
    return _list(data, rows)


@action(side_effect_free=True)
def organization_show(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    """An organization by ``id`` or name; ``include_datasets`` adds its first 1000 public,
    published datasets (``packages``)."""
    key = params.required(data, "id")
    found = Organization.objects.filter(
        Q(slug=key) | Q(pk=int(key) if key.isdigit() else 0)
    ).first()
    if found is None:
        raise NotFoundError("Organization was not found.")
    counts = _public_counts("organization")
    shown = dicts.organization_dict(call.request, found, counts.get(found.slug, 0))
    if params.boolean(data, "include_datasets", False):
        shown["packages"] = _facet_packages(call, "organization", found.slug)
    return shown


def _facet_packages(call: Call, facet: str, value: str) -> list[dict[str, Any]]:
    results = search.search(
        viewer=PUBLIC,
        query=search.Query(
            per_page=LIST_MAX, published_only=True, required=[(facet, [value])], facet_limit=0
        ),
    )
    return _packages(call, results.datasets)


@action(side_effect_free=True)
def group_list(call: Call, data: dict[str, Any]) -> list[Any]:
    """The groups — the themes of the EU data theme vocabulary: names, or dicts with
    ``all_fields``; ``sort``, ``limit``, ``offset``, ``groups``."""
    counts = _public_counts("theme")
    wanted = {g.lower() for g in params.strings(data, "groups")}
    rows = [
        dicts.group_dict(t, counts.get(t.code, 0))
        for t in THEMES
        if not wanted or t.code.lower() in wanted
    ]
    return _list(data, rows)


@action(side_effect_free=True)
def group_show(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    """A group (a theme) by ``id`` or name (its code); ``include_datasets`` adds its first
    1000 public, published datasets."""
    theme = THEMES_BY_CODE.get(params.required(data, "id").upper())
    if theme is None:
        raise NotFoundError("Group was not found.")
    shown = dicts.group_dict(theme, _public_counts("theme").get(theme.code, 0))
    if params.boolean(data, "include_datasets", False):
        shown["packages"] = _facet_packages(call, "theme", theme.code)
    return shown


@action(side_effect_free=True)
def tag_list(call: Call, data: dict[str, Any]) -> list[Any]:
    """The keywords of public, published datasets: names, or dicts with ``all_fields``;
    ``query`` keeps those containing it."""
    query = params.text(data, "query").lower()
    names = sorted(k for k in _public_counts("keyword") if query in k)
    if params.boolean(data, "all_fields", False):
        return [{"id": n, "name": n, "display_name": n, "vocabulary_id": None} for n in names]
    return names


# -- resources and users ------------------------------------------------------------------


@action(side_effect_free=True)
def resource_show(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    """A resource (a file or link of a dataset) by ``id``."""
    key = params.required(data, "id")
    found = (
        Distribution.objects.select_related("dataset", "dataset__organization")
        .filter(pk=int(key) if key.isdigit() else 0, pending=False)
        .first()
    )
    if found is None or not policies.can_view_dataset(call.actor, found.dataset):
        raise NotFoundError("Resource was not found.")
    if not policies.is_listed_file(found) and not policies.can_see_working_copy(
        call.actor, found.dataset
    ):
        raise NotFoundError("Resource was not found.")
    return dicts.resource_dict(call.request, found, found.dataset)


@action(side_effect_free=True)
def user_show(call: Call, data: dict[str, Any]) -> dict[str, Any]:
    """The caller's own account (``id``: their name, or none)."""
    user = call.actor
    if not getattr(user, "is_authenticated", False):
        raise AuthorizationError("sign in (send your API token) to see your account")
    key = params.text(data, "id")
    if key and key not in (user.get_username(), str(user.pk)):
        raise AuthorizationError("only your own account is shown")
    return {
        "id": str(user.pk),
        "name": user.get_username(),
        "fullname": user.get_full_name(),
        "display_name": user.get_full_name() or user.get_username(),
        "email": user.email,
        "created": dicts.moment(user.date_joined),
        "state": "active",
        "sysadmin": bool(user.is_superuser),
        "about": "",
        "url": call.request.build_absolute_uri(reverse("accounts:account")),
    }
