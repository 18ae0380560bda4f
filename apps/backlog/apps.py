from django.apps import AppConfig


class BacklogConfig(AppConfig):
    name = "apps.backlog"

    def ready(self):
        from django.urls import reverse

        from apps.accounts.permissions import Action
        from apps.backlog import access
        from apps.backlog.models import BacklogItem
        from apps.conversation import subjects
        from apps.notifications import targets

        # Items are discussed (comments, mentions, watching) in apps.conversation,
        # and told about through apps.notifications; both ask the backlog's rule.
        subjects.register(
            subjects.Subject(
                name="items",
                model=BacklogItem,
                find=lambda user, product, ref, action: access.access_item(user, product, ref, action, detail=False),
                read=Action.VIEW_BACKLOG,
                write=Action.WORK_BACKLOG_ITEM,
                audience=access.who_may_see,
                label=lambda item: f"#{item.number} {item.title}",
                ref=lambda item: item.number,
                url=lambda item, product: reverse("backlog:item", args=[product.slug, item.number]),
            )
        )
        targets.register(BacklogItem, audience=access.who_may_see)

        # My work shows my items; the global search finds items (apps.home).
        from apps.backlog import home as backlog_home
        from apps.home import search, sections

        sections.register(
            name="my-items",
            title="Items assigned to me",
            template="backlog/_my_items.html",
            provider=backlog_home.my_items_section,
            order=10,
        )
        search.register(
            search.Provider(
                name="items",
                label="Backlog items",
                find=backlog_home.find_items,
                jump=backlog_home.jump_to_item,
                jump_pattern=r"#(\d+)",
                order=10,
            )
        )
