"""Running queued jobs inside a test, through the database backend's own worker code."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

WORKER_ID = "in-process"


def run_queued_jobs(*, limit: int = 50) -> int:
    """Run every waiting delivery in this process (and connection, so a test's transaction
    sees it); returns how many ran. The real worker process is tested in test_worker_process."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=WORKER_ID,
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit:
        result = DBTaskResult.objects.ready().first()
        if result is None:
            break
        result.claim(WORKER_ID)
        worker.run_task(result)
        ran += 1
    return ran
