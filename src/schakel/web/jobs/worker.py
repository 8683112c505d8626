"""`schakel worker`: runs queued jobs, sweeps lost ones and, with `--schedule`, the periodic ones.

With the database backend this process also runs the jobs (django-tasks-db's worker loop).
With another backend (RQ) that backend's own workers run them, and this process only sweeps
and schedules, so one `schakel worker --schedule` per installation is still needed.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
from types import FrameType

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django_tasks import DEFAULT_TASK_QUEUE_NAME, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from schakel.web.jobs.recovery import sweep_stale_jobs
from schakel.web.jobs.schedule import run_due_schedules

logger = logging.getLogger(__name__)
LOGGERS = ("schakel.web.jobs", "django_tasks", "django_tasks_db")


def housekeeping_interval() -> float:
    return max(0.5, min(30.0, settings.JOB_STALE_SECONDS / 4))


class Housekeeping(threading.Thread):
    """Sweeps lost jobs and queues due periodic ones, every few seconds, in its own thread
    (and database connection) beside the loop that runs jobs."""

    def __init__(self, *, schedule: bool) -> None:
        super().__init__(name="jobs-housekeeping", daemon=True)
        self.schedule = schedule
        self.stopped = threading.Event()

    def tick(self) -> None:
        try:
            sweep = sweep_stale_jobs()
            if sweep.retried or sweep.failed:
                logger.warning("Lost jobs retried: %s; failed: %s", sweep.retried, sweep.failed)
            if self.schedule:
                run_due_schedules()
        except DatabaseError:  # a busy SQLite, a restarting PostgreSQL: next tick
            logger.warning("Housekeeping skipped a round", exc_info=True)
        finally:
            close_old_connections()

    def run(self) -> None:
        try:
            while not self.stopped.wait(housekeeping_interval()):
                self.tick()
        finally:
            connections.close_all()


def run_worker(*, schedule: bool, burst: bool) -> None:
    """Run until SIGINT/SIGTERM (a job in progress is finished first), or, with `burst`,
    until no job is waiting."""
    _log_to_stderr()
    housekeeping = Housekeeping(schedule=schedule)
    housekeeping.tick()  # recover what an earlier worker left before taking new work
    backend = task_backends["default"]
    worker_id = f"{socket.gethostname()}-{os.getpid()}"[:64]
    logger.warning(
        "Worker %s started (%s%s)",
        worker_id,
        type(backend).__name__,
        ", with the schedule" if schedule else "",
    )
    if not isinstance(backend, DatabaseBackend):
        if not burst:
            _housekeeping_only(housekeeping)
        return
    worker = Worker(
        queue_names=[DEFAULT_TASK_QUEUE_NAME],
        interval=1,
        batch=burst,
        backend_name="default",
        startup_delay=not burst,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    if not burst:
        housekeeping.start()
    worker.configure_signals()
    worker.run()


def _housekeeping_only(housekeeping: Housekeeping) -> None:
    def stop(signum: int, frame: FrameType | None) -> None:
        housekeeping.stopped.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    housekeeping.run()


def _log_to_stderr() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    for name in LOGGERS:
        named = logging.getLogger(name)
        named.setLevel(logging.INFO)
        named.addHandler(handler)
        named.propagate = False
