from django.urls import path

from townsquare.demo import views

app_name = "demo"

urlpatterns = [
    path(
        "demo/sources/street-light-outages.csv",
        views.street_light_outages,
        name="street-light-outages",
    ),
]
