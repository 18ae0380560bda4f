from django.urls import path

from apps.retros import views

app_name = "retros"

retro = "<int:retro_id>/"

urlpatterns = [
    path("", views.retro_list, name="list"),
    path("new/", views.retro_create, name="create"),
    path("settings/", views.retro_settings, name="settings"),
    path("settings/layouts/", views.format_save, name="format-save"),
    path("settings/layouts/<int:format_id>/delete/", views.format_delete, name="format-delete"),
    path("settings/dimensions/", views.dimension_add, name="dimension-add"),
    path("settings/dimensions/<int:dimension_id>/", views.dimension_update, name="dimension-update"),
    path("health/", views.health_trend, name="health-trend"),
    path("health/trend.json", views.health_trend_json, name="health-trend-json"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<int:action_id>/", views.action_edit, name="action-edit"),
    path(retro, views.board, name="board"),
    path(f"{retro}live/", views.board_live, name="live"),
    path(f"{retro}edit/", views.retro_edit, name="edit"),
    path(f"{retro}facilitator/", views.hand_over, name="hand-over"),
    path(f"{retro}phase/", views.phase_advance, name="phase"),
    path(f"{retro}cards/", views.card_add, name="card-add"),
    path(f"{retro}cards/edit/", views.card_edit, name="card-edit"),
    path(f"{retro}cards/delete/", views.card_delete, name="card-delete"),
    path(f"{retro}group/", views.card_group, name="group"),
    path(f"{retro}themes/", views.theme_create, name="theme-create"),
    path(f"{retro}themes/<int:theme_id>/", views.theme_update, name="theme-update"),
    path(f"{retro}themes/<int:theme_id>/delete/", views.theme_delete, name="theme-delete"),
    path(f"{retro}votes/", views.vote, name="vote"),
    path(f"{retro}discuss/", views.discuss, name="discuss"),
    path(f"{retro}actions/", views.action_add, name="action-add"),
    path(f"{retro}actions/<int:action_id>/backlog/", views.action_to_backlog, name="action-backlog"),
    path(f"{retro}actions/<int:action_id>/review/", views.action_review, name="action-review"),
    path(f"{retro}health/", views.health_check, name="health"),
    path(f"{retro}health/close/", views.health_check_close, name="health-close"),
    path(f"{retro}summary/", views.summary, name="summary"),
    path(f"{retro}summary.md", views.summary_markdown, name="summary-md"),
    path(f"{retro}summary.pdf", views.summary_pdf, name="summary-pdf"),
]
