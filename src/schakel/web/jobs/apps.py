from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "schakel.web.jobs"
    label = "jobs"

    def ready(self) -> None:
        # Each domain app declares its jobs in its own `tasks` module (as admin.py registers
        # models); importing them here fills the registry without this app importing them.
        autodiscover_modules("tasks")
