from django.urls import path

from townsquare.governance import review_views, views
from townsquare.governance.models import Document
from townsquare.governance.views import PATHS

app_name = "governance"
urlpatterns = [
    path("review", review_views.inbox, name="inbox"),
    path("review/submitted", review_views.submitted, name="submitted"),
    path("review/access", review_views.access_requests, name="access-requests"),
    path(
        "review/access/<int:grant_id>/<str:decision>",
        review_views.access_decide,
        name="access-decide",
    ),
    path("datasets/<slug:slug>/access-request", review_views.access_request, name="access-request"),
    path("review/<int:change_id>", review_views.review, name="review"),
    path("review/<int:change_id>/withdraw", review_views.withdraw, name="withdraw"),
    path("datasets/<slug:slug>/submit", review_views.submit, name="submit"),
    path("datasets/<slug:slug>/archive", review_views.archive, name="archive"),
    path("governance/approval", review_views.approval_policy, name="approval-policy"),
    path(
        "organizations/<slug:slug>/approval",
        review_views.approval_policy,
        name="organization-approval-policy",
    ),
    path(
        "organizations/<slug:slug>/approval/remove",
        review_views.approval_policy_remove,
        name="organization-approval-policy-remove",
    ),
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
