from django.apps import AppConfig


class SocialmapConfig(AppConfig):
    name = "schakel.web.socialmap"
    label = "socialmap"
