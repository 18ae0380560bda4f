from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run`: sits above every app, so it may seed them all."""

    name = "apps.demo"
