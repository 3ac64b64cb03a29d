from django.contrib.sitemaps import views as sitemaps
from django.urls import path

from townsquare.interop import catalogs, discovery, rdf_views, views

app_name = "interop"

FEEDS = {"rss": discovery.DatasetsFeed(), "atom": discovery.DatasetsAtomFeed()}

urlpatterns = [
    path("api/3/action/<str:name>", views.action, name="ckan-action"),
    path("api/action/<str:name>", views.action, name="ckan-action-unversioned"),
    path("data.json", catalogs.data_json, name="data-json"),
    path("catalog-check", catalogs.catalog_check_page, name="catalog-check"),
    path("robots.txt", discovery.robots, name="robots"),
    path("catalog.<str:extension>", rdf_views.catalog, name="catalog-rdf"),
    path("datasets/<slug:slug>.<str:extension>", rdf_views.dataset, name="dataset-rdf"),
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": discovery.SITEMAPS, "sitemap_url_name": "interop:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": discovery.SITEMAPS},
        name="sitemap-section",
    ),
    *[
        route
        for kind, feed in FEEDS.items()
        for route in (
            path(f"feeds/datasets.{kind}", feed, name=f"feed-{kind}"),
            path(
                f"feeds/organizations/<slug:organization>.{kind}",
                feed,
                name=f"organization-feed-{kind}",
            ),
            path(f"feeds/themes/<str:theme>.{kind}", feed, name=f"theme-feed-{kind}"),
        )
    ],
]
