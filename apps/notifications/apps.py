from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "apps.notifications"

    def ready(self):
        # Registers the tasks that notify() queues by name (apps.core.queue).
        from apps.notifications import tasks  # noqa: F401
