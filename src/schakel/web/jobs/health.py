"""Whether the job queue can take work, for the readiness check."""

from __future__ import annotations

from django.conf import settings

from schakel.web.jobs.models import Job


def queue_reachable() -> bool:
    """The queue's store answers: the Job table always, Redis too when RQ delivers the jobs."""
    Job.objects.only("pk").first()
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_rq."):
        import django_rq

        return bool(django_rq.get_connection("default").ping())
    if backend.startswith("django_tasks_db."):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.only("pk").first()
    return True
