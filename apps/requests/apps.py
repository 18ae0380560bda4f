from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "apps.requests"

    def ready(self):
        from apps.backlog import events
        from apps.notifications import targets
        from apps.requests import (
            notifications,
            schema,  # noqa: F401 -- registers the request rows' shape with drf-spectacular
            tasks,  # noqa: F401 -- registers the tasks services queue by name (apps.core.queue)
        )
        from apps.requests.models import RequestEvent
        from apps.requests.services import on_backlog_status_change

        # A request is delivered when its backlog item is done.
        events.on_status_change(on_backlog_status_change)
        # Who may be told about a request event, and its email.
        targets.register(RequestEvent, audience=notifications.audience, email=notifications.render_email)
