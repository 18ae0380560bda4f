from django.urls import path

from apps.sprints import views

app_name = "sprints"

sprint = "<int:sprint_id>/"
stage = f"{sprint}stages/<int:stage_id>/"

urlpatterns = [
    path("", views.sprint_list, name="list"),
    path("new/", views.sprint_create, name="create"),
    path("velocity-card/", views.velocity_card, name="velocity-card"),
    path("settings/", views.sprint_settings, name="settings"),
    path(sprint, views.sprint_detail, name="detail"),
    path(f"{sprint}edit/", views.sprint_edit, name="edit"),
    path(f"{sprint}plan/", views.sprint_plan, name="plan"),
    path(f"{sprint}plan/add/", views.plan_add, name="plan-add"),
    path(f"{sprint}plan/remove/", views.plan_remove, name="plan-remove"),
    path(f"{sprint}plan/stage/", views.plan_stage, name="plan-stage"),
    path(f"{sprint}plan/capacity/", views.plan_capacity, name="plan-capacity"),
    path(f"{sprint}start/", views.sprint_start, name="start"),
    path(f"{sprint}board/", views.sprint_board, name="board"),
    path(f"{sprint}board/move/", views.board_move, name="board-move"),
    path(f"{sprint}close/", views.sprint_close, name="close"),
    path(f"{sprint}review/", views.sprint_review, name="review"),
    path(f"{sprint}items/<int:item_id>/finding/", views.record_finding, name="finding"),
    path(stage, views.stage_detail, name="stage"),
    path(f"{stage}edit/", views.stage_edit, name="stage-edit"),
    path(f"{stage}close/", views.stage_close, name="stage-close"),
    path(f"{stage}criteria/", views.criterion_add, name="criterion-add"),
    path(f"{stage}criteria/<int:criterion_id>/", views.criterion_set, name="criterion-set"),
]
