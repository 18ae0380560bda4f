from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "apps.roadmap"

    def ready(self):
        from apps.accounts import events as account_events
        from apps.backlog import events as backlog_events
        from apps.requests import delivery
        from apps.roadmap import listeners, promises, tasks  # noqa: F401 -- tasks registered for queueing by name
        from apps.sprints import events as sprint_events

        # Requests show the forecast of the roadmap item they are part of, and PMs put requests on the roadmap.
        delivery.register_provider(promises.forecast_deliveries)
        delivery.register_planner(promises.roadmap_panel)

        # Forecasts follow the history (a closed sprint) and the scope (linked items and estimates).
        sprint_events.on_sprint_close(listeners.on_sprint_close)
        backlog_events.on_status_change(listeners.on_backlog_status_change)
        backlog_events.on_item_change(listeners.on_backlog_item_change)

        # A changed password revokes the person's calendar feed addresses, as it does their API tokens.
        account_events.on_password_change(listeners.on_password_change)

        # The team discusses roadmap items (apps.conversation) and hears of moved forecasts (apps.notifications).
        from django.urls import reverse

        from apps.accounts.permissions import Action
        from apps.conversation import subjects
        from apps.notifications import targets
        from apps.roadmap import access
        from apps.roadmap.models import RoadmapItem

        subjects.register(
            subjects.Subject(
                name="roadmap-items",
                model=RoadmapItem,
                find=lambda user, product, ref, action: access.access_item(user, product, ref, action),
                read=Action.VIEW_ROADMAP,
                write=Action.VIEW_ROADMAP,
                audience=access.who_may_discuss,
                label=lambda item: f"roadmap item “{item.title}”",
                ref=lambda item: item.pk,
                url=lambda item, product: reverse("roadmap:item", args=[product.slug, item.pk]),
                noun="roadmap item",
            )
        )
        targets.register(RoadmapItem, audience=access.who_may_discuss)

        # A hypothesis's page lists the roadmap items that bet on it (apps.hypotheses.hypothesis_sections).
        from apps.hypotheses import hypothesis_sections
        from apps.roadmap import sections

        hypothesis_sections.register(
            template="roadmap/_hypothesis_roadmap_items.html",
            provider=sections.hypothesis_roadmap_items,
            needs=Action.VIEW_SHARED_ROADMAP,
        )

        # The global search finds roadmap items (apps.home).
        from apps.home import search
        from apps.roadmap import home

        search.register(
            search.Provider(name="roadmap-items", label="Roadmap items", find=home.find_roadmap_items, order=30)
        )
