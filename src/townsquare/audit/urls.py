from django.urls import path, re_path

from townsquare.audit import views

app_name = "audit"
urlpatterns = [
    path("audit/", views.events, name="events"),
    re_path(r"^audit/events\.(?P<form>csv|json)$", views.export, name="export"),
]
