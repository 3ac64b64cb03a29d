from django.urls import path

from townsquare.catalog.views import datasets, distributions, organizations

app_name = "catalog"
urlpatterns = [
    path("", datasets.home, name="home"),
    path("datasets", datasets.dataset_search, name="search"),
    path("datasets/new", datasets.dataset_create, name="dataset-create"),
    path("datasets/<slug:slug>", datasets.dataset_detail, name="dataset"),
    path("datasets/<slug:slug>/edit", datasets.dataset_edit, name="dataset-edit"),
    path("datasets/<slug:slug>/delete", datasets.dataset_delete, name="dataset-delete"),
    path(
        "datasets/<slug:slug>/files/new",
        distributions.distribution_upload,
        name="distribution-upload",
    ),
    path(
        "datasets/<slug:slug>/links/new", distributions.distribution_link, name="distribution-link"
    ),
    path(
        "datasets/<slug:slug>/distributions/<int:distribution_id>/edit",
        distributions.distribution_edit,
        name="distribution-edit",
    ),
    path(
        "datasets/<slug:slug>/distributions/<int:distribution_id>/delete",
        distributions.distribution_delete,
        name="distribution-delete",
    ),
    path(
        "datasets/<slug:slug>/distributions/<int:distribution_id>/download",
        distributions.download,
        name="download",
    ),
    path("organizations", organizations.organization_list, name="organizations"),
    path("organizations/new", organizations.organization_create, name="organization-create"),
    path("organizations/<slug:slug>", organizations.organization_detail, name="organization"),
    path(
        "organizations/<slug:slug>/edit", organizations.organization_edit, name="organization-edit"
    ),
]
