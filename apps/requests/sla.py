"""Service-level arithmetic in working days (Monday to Friday; holidays are not known)."""

from datetime import date, timedelta


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    days = (end - start).days
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            count += 1
    return count


def is_overdue(*, submitted_on: date, today: date, target_days: int) -> bool:
    return working_days_between(submitted_on, today) > target_days


def on_time_since(today: date, target_days: int) -> date:
    """The earliest submission day that is not yet overdue on `today`:
    requests submitted before it have waited more than `target_days` working days."""
    since = today
    while working_days_between(since - timedelta(days=1), today) <= target_days:
        since -= timedelta(days=1)
    return since
