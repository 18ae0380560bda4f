from django.apps import AppConfig


class RetrosConfig(AppConfig):
    name = "apps.retros"
    verbose_name = "Retrospectives"

    def ready(self):
        from apps.backlog import events
        from apps.retros import sections, tasks  # noqa: F401 -- tasks: registered for services queueing them by name
        from apps.retros.services import on_backlog_status_change

        # An action turned into a backlog item is done when that item is done.
        events.on_status_change(on_backlog_status_change)
        # The sprint page shows the sprint's retrospectives and the overdue actions.
        sections.register()

        # My work lists the retro actions I own (apps.home); "a retro started" goes to the team only.
        from apps.home import sections as home_sections
        from apps.notifications import targets
        from apps.retros import access, home
        from apps.retros.models import Retrospective

        home_sections.register(
            name="retro-actions",
            title="Retro actions I own",
            template="retros/home/_my_actions.html",
            provider=home.my_actions_section,
            order=25,
        )
        targets.register(Retrospective, audience=access.team_of_retro)
