from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The pages around the domains: home, sign-in, choosing the membership to act in."""

    name = "schakel.web.site"
    label = "site"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from schakel.web.site.security import stamp_sign_in

        user_logged_in.connect(stamp_sign_in, dispatch_uid="schakel-session-clocks")
