"""A Celery worker for the fault tests: the portal's own worker, except that
FAULTS_SLOW_BUILD=<seconds> makes each report build wait that long inside its
transaction, so a test can kill the worker in the middle of one."""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
sys.path.insert(0, os.getcwd())
django.setup()

from apps.reports import figures  # noqa: E402
from portal.celery import app  # noqa: E402

_delay = float(os.environ.get("FAULTS_SLOW_BUILD") or 0)
if _delay:
    _report_figures = figures.report_figures

    def slow_report_figures(**kwargs):
        print("fault test: report build started", flush=True)  # noqa: T201
        time.sleep(_delay)
        return _report_figures(**kwargs)

    figures.report_figures = slow_report_figures

if __name__ == "__main__":
    concurrency = next((a.split("=")[1] for a in sys.argv[1:] if a.startswith("--concurrency=")), "1")
    app.worker_main(
        [
            "worker",
            "-l",
            "info",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )
