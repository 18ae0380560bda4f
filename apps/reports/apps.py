from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "apps.reports"

    def ready(self):
        # Registers the tasks that the services queue by name (apps.core.queue).
        from apps.home import sections
        from apps.notifications import targets
        from apps.reports import home, tasks  # noqa: F401
        from apps.reports.models import Invitation, SurveyRound

        # My work lists the surveys waiting for my answer (apps.home).
        sections.register(
            name="surveys-to-answer",
            title="Surveys waiting for my answer",
            template="reports/home/_surveys.html",
            provider=home.surveys_section,
            order=30,
        )
        # "A round opened" goes to its invitees only, as long as they have not answered.
        targets.register(
            SurveyRound,
            audience=lambda round_, user_ids: set(
                Invitation.objects.filter(round=round_, person_id__in=user_ids, answered=False).values_list(
                    "person_id", flat=True
                )
            ),
        )
