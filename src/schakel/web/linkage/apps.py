from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "schakel.web.linkage"
    label = "linkage"
