"""Django's sign-in pages, with the password-reset request limited
(apps.accounts.views.PasswordResetView); the rest are Django's own."""

from django.urls import include, path

from apps.accounts import views

urlpatterns = [
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]
