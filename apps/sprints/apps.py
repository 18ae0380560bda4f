from django.apps import AppConfig


class SprintsConfig(AppConfig):
    name = "apps.sprints"

    def ready(self):
        from apps.backlog.events import on_status_change
        from apps.sprints.services import record_status_change

        # Finishing or reopening an item of an active sprint feeds its burndown.
        on_status_change(record_status_change)
