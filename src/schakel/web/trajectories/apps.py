from django.apps import AppConfig


class TrajectoriesConfig(AppConfig):
    name = "schakel.web.trajectories"
    label = "trajectories"

    def ready(self) -> None:
        from schakel.web.audit.service import register_subject_source
        from schakel.web.trajectories.audit_subjects import SOURCE

        register_subject_source(SOURCE)
