from django.urls import include, path

from schakel.web.site import health, oidc, signin, two_factor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("rol/", views.switch_membership, name="switch-membership"),
    path("health/", health.health, name="health"),
    path("ready/", health.ready, name="ready"),
    path("inloggen/", signin.SignInView.as_view(), name="login"),
    path("uitloggen/", signin.SignOutView.as_view(), name="logout"),
    path("inloggen/organisatie/", oidc.start, name="oidc-start"),
    path("inloggen/organisatie/terug/", oidc.callback, name="oidc-callback"),
    path("wachtwoord/", signin.PasswordChangeView.as_view(), name="password-change"),
    path("inloggen/tweede-stap/", two_factor.second_factor, name="second-factor"),
    path("inloggen/passkey/", include("schakel.web.site.passkey_urls")),
    path(
        "inloggen/tweede-stap/instellen/",
        two_factor.second_factor_setup,
        name="second-factor-setup",
    ),
    path("inloggen/wachtwoord/", signin.PasswordResetView.as_view(), name="password-reset"),
    path("tellers/", views.nav_badges, name="nav-badges"),
    path(
        "inloggen/wachtwoord/verstuurd/",
        signin.PasswordResetSentView.as_view(),
        name="password-reset-sent",
    ),
    path(
        "inloggen/wachtwoord/<uidb64>/<token>/",
        signin.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
]
