from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "schakel.web.signals"
    label = "signals"
