from django.apps import AppConfig


class HypothesesConfig(AppConfig):
    name = "apps.hypotheses"

    def ready(self):
        from apps.backlog import events
        from apps.hypotheses import sections, services

        # The sprint page shows the sprint's assumptions, its review the experiments
        # concluded in it; an item page, the assumption it follows up, the hypotheses
        # it tests and its model versions with their release gates.
        sections.register()
        # An item with a model version that is not signed off cannot be done.
        events.veto_status_change(services.release_gate_veto)
