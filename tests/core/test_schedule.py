from django_celery_beat.models import PeriodicTask

from apps.core.services import schedule_install
from portal.celery import app
from portal.schedule import SCHEDULE


def test_every_schedule_entry_is_unique_and_points_at_a_registered_task():
    names = [entry.name for entry in SCHEDULE]
    assert len(names) == len(set(names))
    assert len({entry.task for entry in SCHEDULE}) == len(SCHEDULE), "a task is scheduled twice"
    app.loader.import_default_modules()
    for entry in SCHEDULE:
        assert entry.task in app.tasks, entry.task
        assert (entry.every is None) != (entry.crontab is None), entry.name


def test_installing_twice_creates_each_task_once(db):
    assert schedule_install() == [entry.name for entry in SCHEDULE]
    assert schedule_install() == []
    assert PeriodicTask.objects.filter(name__in=[e.name for e in SCHEDULE]).count() == len(SCHEDULE)


def test_installing_again_keeps_an_edit_made_in_the_admin(db):
    schedule_install()
    task = PeriodicTask.objects.get(name="Worker heartbeat")
    task.enabled = False
    task.save()
    schedule_install()
    assert PeriodicTask.objects.get(name="Worker heartbeat").enabled is False


def test_every_task_fits_in_the_brokers_visibility_timeout(settings):
    """A task that may run (or wait for its retry) longer than the visibility
    timeout would be handed to a second worker while the first still runs it."""
    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert ours
    for name, task in ours.items():
        runs = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        waits = getattr(task, "retry_backoff_max", 0) if getattr(task, "autoretry_for", ()) else 0
        assert runs + waits <= settings.LONGEST_TASK_SECONDS < settings.CELERY_BROKER_VISIBILITY_TIMEOUT, name
