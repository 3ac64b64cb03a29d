from django.contrib import admin
from django.urls import include, path

from townsquare.api import api
from townsquare.core import views as core_views

urlpatterns = [
    path("", include("townsquare.catalog.urls")),
    path("", include("townsquare.accounts.urls")),
    path("", include("townsquare.governance.urls")),
    path("", include("townsquare.quality.urls")),
    path("", include("townsquare.datastore.urls")),
    path("", include("townsquare.audit.urls")),
    path("", include("townsquare.upkeep.urls")),
    path("", include("townsquare.readiness.urls")),
    path("", include("townsquare.interop.urls")),
    path("", include("townsquare.demo.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
]

handler400 = "townsquare.core.views.handler400"
handler403 = "townsquare.core.views.handler403"
handler404 = "townsquare.core.views.handler404"
handler500 = "townsquare.core.views.handler500"
