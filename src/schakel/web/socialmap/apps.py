from django.apps import AppConfig


class SocialmapConfig(AppConfig):
    name = "schakel.web.socialmap"
    label = "socialmap"

    def ready(self) -> None:
        from schakel.web.core.providers import register_provider_source
        from schakel.web.socialmap.selectors import provider_choices

        register_provider_source(provider_choices)
