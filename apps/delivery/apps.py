from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "apps.delivery"

    def ready(self):
        from apps.delivery import listeners, overview, tasks  # noqa: F401 -- tasks registered for queueing by name
        from apps.sprints import events as sprint_events

        # A closed sprint builds its delivery report (when the product's cadence says so).
        sprint_events.on_sprint_close(listeners.on_sprint_close)
        # The product overview shows the delivery summary, and stakeholders their requests and roadmap.
        overview.register()
