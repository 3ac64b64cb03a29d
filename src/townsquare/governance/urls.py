from django.urls import path

from townsquare.governance import views

app_name = "governance"
urlpatterns = [
    path("purpose", views.purpose, name="purpose"),
    path("purpose/edit", views.purpose_edit, name="purpose-edit"),
]
