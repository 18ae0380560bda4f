from django.urls import path

from apps.products import views

app_name = "products"

urlpatterns = [
    path("new/", views.product_create, name="create"),
    path("<slug:product_slug>/", views.product_detail, name="detail"),
    path("<slug:product_slug>/edit/", views.product_edit, name="edit"),
    path("<slug:product_slug>/metrics/", views.metric_add, name="metric-add"),
    path("<slug:product_slug>/metrics/<int:metric_id>/", views.metric_detail, name="metric"),
    path("<slug:product_slug>/metrics/<int:metric_id>/series.json", views.metric_series, name="metric-series"),
    path("<slug:product_slug>/metrics/<int:metric_id>/edit/", views.metric_edit, name="metric-edit"),
    path("<slug:product_slug>/metrics/<int:metric_id>/readings/", views.reading_add, name="reading-add"),
    path(
        "<slug:product_slug>/metrics/<int:metric_id>/readings/<int:reading_id>/remove/",
        views.reading_remove,
        name="reading-remove",
    ),
    path("<slug:product_slug>/metrics/<int:metric_id>/delete/", views.metric_delete, name="metric-delete"),
    path("<slug:product_slug>/members/", views.members, name="members"),
    path("<slug:product_slug>/members/<int:membership_id>/remove/", views.member_remove, name="member-remove"),
]
