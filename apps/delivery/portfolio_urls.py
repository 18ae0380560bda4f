from django.urls import path

from apps.delivery import views

app_name = "portfolio"

urlpatterns = [path("", views.portfolio, name="home")]
