from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "apps.roadmap"

    def ready(self):
        from apps.backlog import events as backlog_events
        from apps.roadmap import listeners, tasks  # noqa: F401 -- tasks registered for queueing by name
        from apps.sprints import events as sprint_events

        # Forecasts follow the history (a closed sprint) and the scope (linked items and estimates).
        sprint_events.on_sprint_close(listeners.on_sprint_close)
        backlog_events.on_status_change(listeners.on_backlog_status_change)
        backlog_events.on_item_change(listeners.on_backlog_item_change)
