from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "schakel.web.training"
    label = "training"
