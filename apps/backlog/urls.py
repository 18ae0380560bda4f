from django.urls import path

from apps.backlog import views

app_name = "backlog"

urlpatterns = [
    path("", views.backlog, name="list"),
    path("export.csv", views.export_csv, name="export"),
    path("bulk/", views.bulk, name="bulk"),
    path("labels/", views.label_add, name="label-add"),
    path("saved-filters/", views.saved_filter_save, name="saved-filter-save"),
    path("saved-filters/<int:saved_id>/delete/", views.saved_filter_delete, name="saved-filter-delete"),
    path("grooming/", views.grooming, name="grooming"),
    path("grooming/<int:number>/", views.groom, name="groom"),
    path("items/", views.quick_add, name="quick-add"),
    path("items/choices/", views.item_choices, name="item-choices"),
    path("items/<int:number>/", views.item_detail, name="item"),
    path("items/<int:number>/edit/", views.item_edit, name="item-edit"),
    path("items/<int:number>/work/", views.item_work, name="item-work"),
    path("items/<int:number>/move/", views.item_move, name="item-move"),
    path("items/<int:number>/criteria/", views.criterion_add, name="criterion-add"),
    path("items/<int:number>/blockers/", views.blocker_add, name="blocker-add"),
    path("epics/", views.epic_choices, name="epic-choices"),
    path("items/<int:number>/relations/", views.relation_add, name="relation-add"),
    path("relations/<int:relation_id>/remove/", views.relation_remove, name="relation-remove"),
    path("items/<int:number>/attachments/", views.attachments_add, name="attachments-add"),
    path("items/<int:number>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path(
        "items/<int:number>/attachments/<int:attachment_id>/remove/", views.attachment_remove, name="attachment-remove"
    ),
    path("epics/<int:number>/", views.epic, name="epic"),
    path("criteria/<int:criterion_id>/toggle/", views.criterion_toggle, name="criterion-toggle"),
    path("blockers/<int:blocker_id>/resolve/", views.blocker_resolve, name="blocker-resolve"),
]
