from django.urls import path

from townsquare.readiness import announcement_views, views
from townsquare.readiness.feeds import AnnouncementsFeed

app_name = "readiness"

urlpatterns = [
    path("program", views.program, name="program"),
    path("program/inventory", views.inventory, name="inventory"),
    path("program/inventory/new", views.item_new, name="item-new"),
    path("program/inventory/import", views.inventory_import, name="import"),
    path("program/inventory/export.<str:file_format>", views.inventory_export, name="export"),
    path("program/inventory/<str:identifier>", views.item, name="item"),
    path("program/inventory/<str:identifier>/draft", views.item_draft, name="item-draft"),
    path(
        "program/inventory/<str:identifier>/shortlist",
        views.item_shortlist,
        name="item-shortlist",
    ),
    path("program/priorities", views.priorities, name="priorities"),
    path("announcements", announcement_views.announcement_list, name="announcements"),
    path("announcements/feed.atom", AnnouncementsFeed(), name="announcements-feed"),
    path("announcements/<int:pk>", announcement_views.announcement_detail, name="announcement"),
    path(
        "program/announcements",
        announcement_views.announcements_manage,
        name="announcements-manage",
    ),
    path(
        "program/announcements/<int:pk>",
        announcement_views.announcement_edit,
        name="announcement-edit",
    ),
    path(
        "program/announcements/<int:pk>/<str:decision>",
        announcement_views.announcement_decide,
        name="announcement-decide",
    ),
    path("program/readiness", views.readiness, name="checklist"),
    path("program/launch", views.launch, name="launch"),
    path("program/readiness/<int:pk>/tick", views.checklist_tick, name="checklist-tick"),
    path("program/readiness/<int:pk>/remove", views.checklist_remove, name="checklist-remove"),
]
