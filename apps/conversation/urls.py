from django.urls import path

from apps.conversation import views

app_name = "conversation"

urlpatterns = [
    path("<slug:subject>/<str:ref>/comments/", views.comments, name="comments"),
    path("<slug:subject>/<str:ref>/comments/<int:comment_id>/edit/", views.comment_edit, name="comment-edit"),
    path("<slug:subject>/<str:ref>/comments/<int:comment_id>/delete/", views.comment_delete, name="comment-delete"),
    path("<slug:subject>/<str:ref>/watch/", views.watch, name="watch"),
    path("<slug:subject>/<str:ref>/people/", views.people, name="people"),
]
