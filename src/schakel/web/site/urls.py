from django.contrib.auth import views as auth_views
from django.urls import path

from schakel.web.site import views

urlpatterns = [
    path("", views.home, name="home"),
    path("rol/", views.switch_membership, name="switch-membership"),
    path("tellers/", views.nav_badges, name="nav-badges"),
    path("health/", views.health, name="health"),
    path(
        "inloggen/",
        auth_views.LoginView.as_view(
            template_name="site/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
]
