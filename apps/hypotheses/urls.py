from django.urls import path

from apps.hypotheses import views

app_name = "hypotheses"

urlpatterns = [
    path("sprints/<int:sprint_id>/assumptions/", views.assumption_add, name="assumption-add"),
    path("assumptions/<int:assumption_id>/held/", views.assumption_held, name="assumption-held"),
    path("assumptions/<int:assumption_id>/wrong/", views.assumption_wrong, name="assumption-wrong"),
]
