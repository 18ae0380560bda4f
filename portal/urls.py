from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.core import views as core_views
from apps.products import views as product_views

# A database that does not answer is a 503 with Retry-After, wherever it fails.
handler500 = "apps.core.outage.server_error"
# An API address that leads nowhere answers the API's JSON 404, not a page.
handler404 = "apps.core.views.not_found"

api_v1 = [
    path("", include("apps.accounts.api_urls")),
    path("", include("apps.notifications.api_urls")),
    path("", include("apps.home.api_urls")),
    path("", include("apps.products.api_urls")),
    path("", include("apps.conversation.api_urls")),
    path("", include("apps.backlog.api_urls")),
    path("", include("apps.sprints.api_urls")),
    path("", include("apps.hypotheses.api_urls")),
    path("", include("apps.retros.api_urls")),
    path("", include("apps.requests.api_urls")),
    path("", include("apps.roadmap.api_urls")),
    path("", include("apps.reports.api_urls")),
    path("", include("apps.delivery.api_urls")),
]

urlpatterns = [
    path("", include("apps.home.urls")),
    path("products/", product_views.dashboard, name="dashboard"),
    path("accounts/", include("apps.accounts.auth_urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("p/", include("apps.products.urls")),
    path("p/<slug:product_slug>/backlog/", include("apps.backlog.urls")),
    path("p/<slug:product_slug>/threads/", include("apps.conversation.urls")),
    path("p/<slug:product_slug>/sprints/", include("apps.sprints.urls")),
    path("p/<slug:product_slug>/hypotheses/", include("apps.hypotheses.urls")),
    path("p/<slug:product_slug>/retros/", include("apps.retros.urls")),
    path("p/<slug:product_slug>/requests/", include("apps.requests.urls")),
    path("p/<slug:product_slug>/roadmap/", include("apps.roadmap.urls")),
    path("p/<slug:product_slug>/reports/", include("apps.reports.urls")),
    path("p/<slug:product_slug>/delivery/", include("apps.delivery.urls")),
    path("portfolio/", include("apps.delivery.portfolio_urls")),
    path("requests/", include("apps.requests.overview_urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("status/", core_views.status, name="status"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("csp-report/", core_views.csp_report, name="csp-report"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
