from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "schakel.web.core"
    label = "core"

    def ready(self) -> None:
        from schakel.web.core import checks  # noqa: F401  (registers the checks)
