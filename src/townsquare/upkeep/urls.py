from django.urls import path

from townsquare.upkeep import views

app_name = "upkeep"

urlpatterns = [
    path("freshness", views.freshness_dashboard, name="freshness"),
    path("upkeep/jobs", views.jobs, name="jobs"),
    path("upkeep/jobs/<str:name>/run", views.job_run, name="job-run"),
    path("datasets/<slug:slug>/source", views.source, name="source"),
    path("datasets/<slug:slug>/source/<str:action>", views.source_action, name="source-action"),
]
