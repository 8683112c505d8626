from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "schakel.web.organisations"
    label = "organisations"
