from django.urls import path

from townsquare.quality import views

app_name = "quality"
urlpatterns = [
    path("datasets/<slug:slug>/data/versions/<int:version_id>", views.version, name="version"),
    path("quality/", views.dashboard, name="dashboard"),
]
