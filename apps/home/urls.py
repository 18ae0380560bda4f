from django.urls import path

from apps.home import views

app_name = "home"

urlpatterns = [
    path("", views.my_work, name="my-work"),
    path("search/", views.search, name="search"),
]
