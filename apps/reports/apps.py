from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "apps.reports"

    def ready(self):
        # Registers the tasks that the services queue by name (apps.core.queue).
        from apps.reports import tasks  # noqa: F401
