from django.apps import AppConfig


class TrajectoriesConfig(AppConfig):
    name = "schakel.web.trajectories"
    label = "trajectories"
