from django.apps import AppConfig


class TrajectoriesConfig(AppConfig):
    name = "schakel.web.trajectories"
    label = "trajectories"

    def ready(self) -> None:
        from schakel.web.audit.service import register_subject_source
        from schakel.web.trajectories.audit_subjects import SOURCE

        register_subject_source(SOURCE)
        from schakel.web.audit.service import register_covered_records
        from schakel.web.trajectories.models import TrajectoryEvent

        def digests(ids: list[str]) -> dict[str, str]:
            rows = TrajectoryEvent.objects.filter(pk__in=ids)
            return {str(e.pk): e.content_digest for e in rows}

        register_covered_records("trajectory_event", digests)
