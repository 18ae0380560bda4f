from django.urls import path

from apps.delivery import views

app_name = "delivery"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("compare/", views.compare, name="compare"),
    path("settings/", views.settings_edit, name="settings"),
    path("subscription/", views.subscription, name="subscription"),
    path("build/", views.build_month, name="build"),
    path("reports/<int:report_id>/", views.report, name="report"),
    path("reports/<int:report_id>/rebuild/", views.report_rebuild, name="rebuild"),
    path("reports/<int:report_id>/publish/", views.report_publish, name="publish"),
    path("reports/<int:report_id>/report.pdf", views.report_download, {"kind": "pdf"}, name="report-pdf"),
    path("reports/<int:report_id>/report.html", views.report_download, {"kind": "html"}, name="report-html"),
]
