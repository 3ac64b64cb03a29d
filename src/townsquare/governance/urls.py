from django.urls import path

from townsquare.governance import views
from townsquare.governance.models import Document
from townsquare.governance.views import PATHS

app_name = "governance"
urlpatterns = [
    path("governance/signatories", views.signatories, name="signatories"),
    path(
        "governance/signatories/<int:signatory_id>/remove",
        views.signatory_remove,
        name="signatory-remove",
    ),
]
for kind in Document.Kind.values:
    base = PATHS[kind]
    urlpatterns += [
        path(base, views.document, {"kind": kind}, name=kind),
        path(f"{base}/edit", views.document_edit, {"kind": kind}, name=f"{kind}-edit"),
        path(
            f"{base}/versions/<int:version>",
            views.document_version,
            {"kind": kind},
            name=f"{kind}-version",
        ),
        path(
            f"{base}/versions/<int:version>/sign",
            views.document_sign,
            {"kind": kind},
            name=f"{kind}-sign",
        ),
    ]
