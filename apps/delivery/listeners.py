"""What delivery reports do when other apps change things (registered in
DeliveryConfig.ready). These run inside the other app's transaction and only
queue work after commit."""

from apps.delivery import services


def on_sprint_close(*, sprint, actor) -> None:
    """A closed sprint gets its delivery report (unless the product turned that off)."""
    services.after_sprint_close(sprint)
