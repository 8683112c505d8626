from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "schakel.web.retention"
    label = "retention"
