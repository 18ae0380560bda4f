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

        # My work: requests waiting for my decision, requests I raised; the global search finds requests.
        from apps.home import search, sections
        from apps.requests import home

        sections.register(
            name="requests-to-decide",
            title="Requests waiting for my decision",
            template="requests/home/_to_decide.html",
            provider=home.to_decide_section,
            order=20,
        )
        sections.register(
            name="requests-raised",
            title="Requests I raised",
            template="requests/home/_raised.html",
            provider=home.raised_section,
            order=40,
        )
        search.register(
            search.Provider(
                name="requests",
                label="Requests",
                find=home.find_requests,
                jump=home.jump_to_request,
                jump_pattern=r"R-(\d+)",
                order=20,
            )
        )
