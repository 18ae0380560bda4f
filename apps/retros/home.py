"""Retro actions I own, in My work (apps.home); read through
apps.retros.access. Registered in RetrosConfig.ready."""

from django.utils import timezone

from apps.retros import access

SHOWN = 20


def my_actions_section(request) -> dict | None:
    actions = list(
        access.my_actions(request.user)
        .select_related("retro__product")
        .order_by("due_date", "created_at", "pk")[: SHOWN + 1]
    )
    if not actions:
        return None
    today = timezone.localdate()
    rows = [{"action": a, "overdue": a.due_date is not None and a.due_date < today} for a in actions[:SHOWN]]
    return {"actions": rows, "more": len(actions) > SHOWN}
