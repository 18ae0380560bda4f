from django.apps import AppConfig


class HypothesesConfig(AppConfig):
    name = "apps.hypotheses"

    def ready(self):
        from apps.hypotheses import sections

        # The sprint page shows the sprint's assumptions; an item page, the assumption it follows up.
        sections.register()
