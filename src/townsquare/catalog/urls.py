from django.urls import path

from townsquare.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("datasets", views.dataset_search, name="search"),
    path("datasets/new", views.dataset_create, name="dataset-create"),
    path("datasets/<slug:slug>", views.dataset_detail, name="dataset"),
    path("datasets/<slug:slug>/edit", views.dataset_edit, name="dataset-edit"),
    path("datasets/<slug:slug>/delete", views.dataset_delete, name="dataset-delete"),
    path("datasets/<slug:slug>/files/new", views.distribution_upload, name="distribution-upload"),
    path("datasets/<slug:slug>/links/new", views.distribution_link, name="distribution-link"),
    path(
        "datasets/<slug:slug>/distributions/<int:distribution_id>/edit",
        views.distribution_edit,
        name="distribution-edit",
    ),
    path(
        "datasets/<slug:slug>/distributions/<int:distribution_id>/delete",
        views.distribution_delete,
        name="distribution-delete",
    ),
    path(
        "datasets/<slug:slug>/distributions/<int:distribution_id>/download",
        views.download,
        name="download",
    ),
    path("organizations", views.organization_list, name="organizations"),
    path("organizations/new", views.organization_create, name="organization-create"),
    path("organizations/<slug:slug>", views.organization_detail, name="organization"),
    path("organizations/<slug:slug>/edit", views.organization_edit, name="organization-edit"),
]
