from django.urls import path

from schakel.web.trajectories import (
    consent_views,
    quality_views,
    registration_views,
    views,
    workload_views,
)
from schakel.web.trajectories import coordination_views as coordination

urlpatterns = [
    path("", views.trajectory_list, name="trajectory-list"),
    path("overzicht/", coordination.dashboard, name="coordinator-dashboard"),
    path("nieuw/", registration_views.register, name="register-person"),
    path("inbox/", coordination.inbox, name="referral-inbox"),
    path("inbox/<int:pk>/", coordination.answer_referral, name="answer-referral"),
    path("team/", coordination.team, name="team"),
    path("werklast/", workload_views.overview, name="regional-workload"),
    path("kwaliteit/", quality_views.worklist, name="quality-worklist"),
    path("<uuid:pk>/tijd/", workload_views.register_time, name="register-time"),
    path("overdracht/", coordination.handover, name="handover"),
    path("organisaties/", views.organisation_options, name="organisation-options"),
    path("aanbieders/", views.provider_options, name="provider-options"),
    path("<uuid:pk>/", views.trajectory_detail, name="trajectory-detail"),
    path("<uuid:pk>/identiteit/", views.identity_panel, name="trajectory-identity"),
    path("vrijgeven/", views.reveal_releases, name="reveal-releases"),
    path("<uuid:pk>/toestemming/", consent_views.consents, name="trajectory-consents"),
    path(
        "<uuid:pk>/toestemming/<int:consent_id>/intrekken/",
        consent_views.withdraw_consent,
        name="withdraw-consent",
    ),
    path("<uuid:pk>/verwijzen/", consent_views.refer, name="trajectory-refer"),
    path("<uuid:pk>/landelijke-melding/", consent_views.national_report, name="national-report"),
    path("<uuid:pk>/gebeurtenis/<slug:event_type>/", views.record_event, name="record-event"),
    path(
        "<uuid:pk>/gebeurtenis/<uuid:event_id>/intrekken/",
        views.retract_event,
        name="retract-event",
    ),
]
