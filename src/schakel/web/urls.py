from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from schakel.web.accounts.urls import welcome_urlpatterns
from schakel.web.api.main import api_urls

urlpatterns = [
    path("api/v1/", api_urls()),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include("schakel.web.site.urls")),
    path("trajecten/", include("schakel.web.trajectories.urls")),
    path("audit/", include("schakel.web.audit.urls")),
    path("signalen/", include("schakel.web.signals.urls")),
    path("kennis/", include("schakel.web.knowledge.urls")),
    path("sociale-kaart/", include("schakel.web.socialmap.urls")),
    path("training/", include("schakel.web.training.urls")),
    path("monitor/", include("schakel.web.monitor.urls")),
    path("koppeling/", include("schakel.web.linkage.urls")),
    path("opdrachten/", include("schakel.web.jobs.urls")),
    path("meldingen/", include("schakel.web.notifications.urls")),
    path("beheer/", include("schakel.web.accounts.urls")),
    path("", include(welcome_urlpatterns)),
    path("bewaren/", include("schakel.web.retention.urls")),
]
