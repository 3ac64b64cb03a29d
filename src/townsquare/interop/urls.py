from django.urls import path

from townsquare.interop import catalogs, views

app_name = "interop"

urlpatterns = [
    path("api/3/action/<str:name>", views.action, name="ckan-action"),
    path("api/action/<str:name>", views.action, name="ckan-action-unversioned"),
    path("data.json", catalogs.data_json, name="data-json"),
    path("catalog-check", catalogs.catalog_check_page, name="catalog-check"),
]
