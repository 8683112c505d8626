from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "schakel.web.audit"
    label = "audit"
