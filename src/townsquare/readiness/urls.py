from django.urls import path

from townsquare.readiness import views

app_name = "readiness"

urlpatterns = [
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
    path("program/readiness", views.readiness, name="checklist"),
    path("program/readiness/<int:pk>/tick", views.checklist_tick, name="checklist-tick"),
    path("program/readiness/<int:pk>/remove", views.checklist_remove, name="checklist-remove"),
]
