"""For search engines and readers: ``sitemap.xml`` (an index of pages of at most 50,000 URLs),
``robots.txt``, and RSS and Atom feeds of new and updated datasets — site-wide, per
organization and per theme. Only what the public may see is listed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.views.decorators.http import require_GET

from townsquare.catalog import policies
from townsquare.catalog.models import Dataset, DatasetFacet, Organization
from townsquare.catalog.vocabularies import THEMES_BY_CODE, Theme
from townsquare.core.markdown import plain_text

FEED_ITEMS = 50


def public_datasets() -> QuerySet[Dataset]:
    return Dataset.objects.filter(policies.PUBLIC)


class DatasetSitemap(Sitemap[Dataset]):
    limit = 50_000
    changefreq = "weekly"

    def items(self) -> QuerySet[Dataset]:
        return public_datasets().order_by("pk").only("slug", "modified")

    def location(self, item: Dataset) -> str:
        return reverse("catalog:dataset", args=[item.slug])

    def lastmod(self, item: Dataset) -> datetime:
        return item.modified


class OrganizationSitemap(Sitemap[Organization]):
    limit = 50_000
    changefreq = "monthly"

    def items(self) -> QuerySet[Organization]:
        return Organization.objects.order_by("pk").only("slug", "updated_at")

    def location(self, item: Organization) -> str:
        return reverse("catalog:organization", args=[item.slug])

    def lastmod(self, item: Organization) -> datetime:
        return item.updated_at


class PageSitemap(Sitemap[str]):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["catalog:home", "catalog:search", "catalog:organizations"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"pages": PageSitemap, "organizations": OrganizationSitemap, "datasets": DatasetSitemap}


@require_GET
def robots(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /admin/",
        "Disallow: /account",
        "Disallow: /api/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('interop:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


class DatasetsFeed(Feed[Dataset, Any]):
    """New and updated public datasets, the most recent first: the whole catalog, or those of
    one organization (``organization``) or theme (``theme``)."""

    feed_type: type[SyndicationFeed] = Rss201rev2Feed
    description_template = None

    def get_object(self, request: HttpRequest, **kwargs: str) -> Any:
        if "organization" in kwargs:
            return get_object_or_404(Organization, slug=kwargs["organization"])
        if "theme" in kwargs:
            theme = THEMES_BY_CODE.get(kwargs["theme"].upper())
            if theme is None:
                raise Http404(f"There is no theme {kwargs['theme']!r}.")
            return theme
        return None

    def title(self, obj: Any) -> str:
        scope = f": {obj.name}" if isinstance(obj, Organization) else ""
        scope = f": {obj.label}" if isinstance(obj, Theme) else scope
        return f"{settings.SITE_NAME}{scope}: new and updated datasets"

    def link(self, obj: Any) -> str:
        if isinstance(obj, Organization):
            return reverse("catalog:organization", args=[obj.slug])
        if isinstance(obj, Theme):
            return reverse("catalog:search") + f"?theme={obj.code}"
        return reverse("catalog:search") + "?sort=updated"

    def description(self, obj: Any) -> str:
        return f"The latest {FEED_ITEMS} datasets published or changed on {settings.SITE_NAME}."

    def items(self, obj: Any) -> list[Dataset]:
        found = public_datasets().select_related("organization")
        if isinstance(obj, Organization):
            found = found.filter(organization=obj)
        if isinstance(obj, Theme):
            found = found.filter(pk__in=_with_theme(obj.code))
        return list(found.order_by("-modified", "-pk")[:FEED_ITEMS])

    def item_title(self, item: Dataset) -> str:
        return item.title

    def item_description(self, item: Dataset) -> str:
        return plain_text(item.description)[:1000]

    def item_link(self, item: Dataset) -> str:
        return reverse("catalog:dataset", args=[item.slug])

    def item_guid(self, item: Dataset) -> str:
        return f"{item.identifier}@{item.modified.isoformat()}"

    def item_pubdate(self, item: Dataset) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Dataset) -> datetime:
        return item.modified

    def item_author_name(self, item: Dataset) -> str:
        return item.organization.name

    def item_categories(self, item: Dataset) -> list[str]:
        return list(item.keywords)


class DatasetsAtomFeed(DatasetsFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Any) -> str:
        return self.description(obj)


def _with_theme(code: str) -> QuerySet[Any]:
    return DatasetFacet.objects.filter(term__facet="theme", term__value=code).values("dataset_id")
