from django.urls import path

from townsquare.datastore import views

app_name = "datastore"
urlpatterns = [
    path("datasets/<slug:slug>/data", views.rows, name="rows"),
    path("datasets/<slug:slug>/data/original", views.original, name="original"),
    path(
        "datasets/<slug:slug>/data/versions/<int:version_id>/publish", views.publish, name="publish"
    ),
]
