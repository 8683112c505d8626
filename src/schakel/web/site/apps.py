from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The pages around the domains: home, sign-in, choosing the membership to act in."""

    name = "schakel.web.site"
    label = "site"
