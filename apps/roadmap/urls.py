from django.urls import path

from apps.roadmap import views

app_name = "roadmap"

urlpatterns = [
    path("", views.board, name="board"),
    path("shared/", views.shared, name="shared"),
    path("timeline/", views.timeline, name="timeline"),
    path("forecasts/", views.forecasts, name="forecasts"),
    path("epics/<int:number>/forecast/", views.epic_forecast, name="epic-forecast"),
    path("items/new/", views.item_create, name="item-create"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("items/<int:item_id>/edit/", views.item_edit, name="item-edit"),
    path("items/<int:item_id>/move/", views.item_move, name="item-move"),
    path("items/<int:item_id>/forecast/", views.item_forecast, name="item-forecast"),
    path("items/<int:item_id>/delete/", views.item_delete, name="item-delete"),
    path("milestones/", views.milestones, name="milestones"),
    path("milestones/<int:milestone_id>/edit/", views.milestone_edit, name="milestone-edit"),
    path("milestones/<int:milestone_id>/delete/", views.milestone_delete, name="milestone-delete"),
    path("requests/<int:number>/attach/", views.request_attach, name="request-attach"),
    path("export.csv", views.export_csv, name="export"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<str:secret>.ics", views.feed, name="feed"),
]
