from django.apps import AppConfig


class MonitorConfig(AppConfig):
    name = "schakel.web.monitor"
    label = "monitor"
