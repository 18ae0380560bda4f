from django.core.management.base import BaseCommand

from apps.core.services import schedule_install


class Command(BaseCommand):
    help = "Install the portal's periodic tasks into django-celery-beat (existing ones are left as they are)."

    def handle(self, *args, **options):
        created = schedule_install()
        for name in created:
            self.stdout.write(f"scheduled: {name}")
        self.stdout.write(self.style.SUCCESS(f"{len(created)} periodic task(s) installed."))
