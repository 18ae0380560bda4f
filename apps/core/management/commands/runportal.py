"""Run web server, Celery worker and Celery beat together in the foreground.

This is what `make run` calls. Ctrl-C (or any one process ending) stops all
three. In production each runs as its own service instead (see README).
"""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr, **options):
        python = sys.executable
        # SQLite accepts one writer at a time: one worker process is plenty here.
        sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
        worker_pool = ["--pool=solo"] if sqlite else []
        commands = {
            "web": [python, "manage.py", "runserver", addr],
            "worker": [python, "-m", "celery", "-A", "portal", "worker", "-l", "info", *worker_pool],
            "beat": [python, "-m", "celery", "-A", "portal", "beat", "-l", "info"],
        }
        processes = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}  # noqa: S603 -- our own commands
        self.stdout.write(f"Portal at http://{addr}/ (web, worker and beat running; Ctrl-C stops all).")

        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                ended = [name for name, p in processes.items() if p.poll() is not None]
                if ended:
                    self.stderr.write(f"{', '.join(ended)} stopped; stopping the others.")
                    break
                time.sleep(0.5)
        finally:
            for p in processes.values():
                if p.poll() is None:
                    p.terminate()
            deadline = time.monotonic() + 10
            for p in processes.values():
                try:
                    p.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    p.kill()
