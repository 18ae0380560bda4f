from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "apps.requests"
