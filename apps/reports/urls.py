from django.urls import path

from apps.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("subscription/", views.subscription, name="subscription"),
    path("surveys/new/", views.survey_create, name="survey-create"),
    path("surveys/<int:survey_id>/", views.survey_detail, name="survey"),
    path("surveys/<int:survey_id>/open/", views.round_open, name="round-open"),
    path("rounds/<int:round_id>/", views.report, name="report"),
    path("rounds/<int:round_id>/close/", views.round_close, name="round-close"),
    path("rounds/<int:round_id>/rebuild/", views.report_rebuild, name="report-rebuild"),
    path("rounds/<int:round_id>/actions/", views.report_actions, name="report-actions"),
    path("rounds/<int:round_id>/publish/", views.report_publish, name="report-publish"),
    path("rounds/<int:round_id>/actions/new-item/", views.report_item_create, name="report-item-create"),
    path("rounds/<int:round_id>/report.pdf", views.report_download, {"kind": "pdf"}, name="report-pdf"),
    path("rounds/<int:round_id>/report.html", views.report_download, {"kind": "html"}, name="report-html"),
    path("rounds/<int:round_id>/answer/", views.answer_mine, name="answer-mine"),
    path("answer/", views.answer, name="answer"),
    path("answer/<str:token>/", views.answer_link, name="answer-link"),
    path("thanks/", views.answered, name="answered"),
]
