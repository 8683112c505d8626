from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "schakel.web.api"
    label = "api"
