from django.apps import AppConfig


class BacklogConfig(AppConfig):
    name = "apps.backlog"
