from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "schakel.web.knowledge"
    label = "knowledge"
