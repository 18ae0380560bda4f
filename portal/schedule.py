"""The portal's periodic work, in one place.

`manage.py install_schedule` copies these entries into django-celery-beat's
tables when they are missing; after that they belong to the admin, where a PM
may change when they run, so installing again never overwrites an edit.
Per-product schedules (such as a survey's cadence) are created by the apps.
"""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Entry:
    name: str
    task: str
    every: timedelta | None = None
    crontab: str | None = None  # "minute hour day_of_month month day_of_week"
    description: str = ""


SCHEDULE: list[Entry] = [
    Entry(
        name="Worker heartbeat",
        task="core.heartbeat",
        every=timedelta(seconds=30),
        description="Proves that beat and a worker are running; shown on /status/.",
    ),
    Entry(
        name="Forget old answers kept for repeated form posts",
        task="core.purge_idempotency_records",
        every=timedelta(hours=1),
        description="Deletes idempotency records older than IDEMPOTENCY_WINDOW_MINUTES.",
    ),
    Entry(
        name="Happiness surveys: close rounds that are due",
        task="reports.close_due_rounds",
        every=timedelta(minutes=10),
        description="Closes survey rounds past their closing time, and builds the report of every closed "
        "round that has none (a build lost with the broker or a worker).",
    ),
    Entry(
        name="Happiness surveys: send missed emails",
        task="reports.send_pending_emails",
        every=timedelta(minutes=10),
        description="Sends invitations, reminders and report emails whose queued task was lost; each goes out once.",
    ),
    Entry(
        name="Happiness surveys: send reminders",
        task="reports.remind_due_rounds",
        every=timedelta(hours=1),
        description="Sends each open round's one reminder to those who have not answered yet.",
    ),
    Entry(
        name="Notifications: deliver missed ones",
        task="notifications.send_pending",
        every=timedelta(minutes=5),
        description="Delivers notifications (in the portal and by email) whose on-commit task was lost; "
        "each still goes out once.",
    ),
    Entry(
        name="Notifications: daily digest",
        task="notifications.send_digests",
        crontab="0 7 * * *",
        description="Emails each person who chose the daily digest what waited for it, once.",
    ),
    Entry(
        name="Stakeholder requests: tell watchers when delivery moves",
        task="requests.refresh_expected_deliveries",
        every=timedelta(minutes=15),
        description="Recomputes expected delivery of accepted requests and emails watchers when it moved.",
    ),
    Entry(
        name="Retrospectives: send missed summary emails",
        task="retros.send_pending_summary_emails",
        every=timedelta(minutes=5),
        description="Sends retrospective summaries whose on-commit task was lost; each email still goes out once.",
    ),
    Entry(
        name="Roadmap: recompute forecasts nightly",
        task="roadmap.recompute_all_forecasts",
        crontab="30 2 * * *",
        description="Recomputes the roadmap and epic forecasts from the day's history; unchanged ones are left alone.",
    ),
    Entry(
        name="Delivery reports: build missing reports",
        task="delivery.build_missing_reports",
        crontab="0 7 * * *",
        description="Builds last month's delivery report of every product that has none yet (a build lost with "
        "the broker or a worker, or a product whose schedule is missing), and the report of every recently "
        "closed sprint that has none.",
    ),
    Entry(
        name="Delivery reports: send missed emails",
        task="delivery.send_pending_emails",
        every=timedelta(minutes=10),
        description="Sends delivery-report emails whose queued task was lost; each goes out once.",
    ),
]
