from django.apps import AppConfig


class TrajectoriesConfig(AppConfig):
    name = "schakel.web.trajectories"
    label = "trajectories"

    def ready(self) -> None:
        from schakel.web.audit.service import register_subject_source
        from schakel.web.trajectories.audit_subjects import SOURCE

        register_subject_source(SOURCE)
        from schakel.web.audit.service import register_covered_records
        from schakel.web.trajectories.models import DIGESTED_FIELDS, TrajectoryEvent, event_digest

        def digests(ids: list[str]) -> dict[str, str]:
            rows = TrajectoryEvent.objects.filter(pk__in=ids).values_list(*DIGESTED_FIELDS)
            return {str(row[0]): event_digest(*row) for row in rows}

        register_covered_records("trajectory_event", digests)
