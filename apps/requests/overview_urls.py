"""Request pages that span all of a person's products (mounted at /requests/)."""

from django.urls import path

from apps.requests import views

app_name = "requests_overview"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("mine/", views.my_requests, name="mine"),
    path("notifications/", views.notification_settings, name="notification-settings"),
]
