from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "schakel.web.demo"
    label = "demo"
