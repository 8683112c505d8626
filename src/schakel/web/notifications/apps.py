from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "schakel.web.notifications"
    label = "notifications"
