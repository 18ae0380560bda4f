from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.reports.api import HappinessReportViewSet, ReportSubscriptionView, SurveyRoundViewSet, SurveyViewSet

router = SimpleRouter()
router.register("surveys", SurveyViewSet, basename="survey")
router.register("survey-rounds", SurveyRoundViewSet, basename="survey-round")
router.register("happiness-reports", HappinessReportViewSet, basename="happiness-report")

urlpatterns = [
    path("products/<slug:product_slug>/", include(router.urls)),
    path(
        "products/<slug:product_slug>/happiness-subscription/",
        ReportSubscriptionView.as_view(),
        name="happiness-subscription",
    ),
]
