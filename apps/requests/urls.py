from django.urls import path

from apps.requests import views

app_name = "requests"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_submit, name="submit"),
    path("similar/", views.similar, name="similar"),
    path("settings/", views.triage_settings, name="settings"),
    path("<int:number>/", views.request_detail, name="detail"),
    path("<int:number>/edit/", views.request_edit, name="edit"),
    path("<int:number>/withdraw/", views.request_withdraw, name="withdraw"),
    path("<int:number>/comments/", views.comment_add, name="comment-add"),
    path("<int:number>/attachments/", views.attachments_add, name="attachments-add"),
    path("<int:number>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    *(
        path(f"<int:number>/{change}/", views.vote_or_watch, {"change": change}, name=change)
        for change in views.VOTE_AND_WATCH_CHANGES
    ),
    path("<int:number>/triage/<str:decision>/", views.triage, name="triage"),
]
