from django.urls import path

from schakel.web.trajectories import views

urlpatterns = [
    path("", views.trajectory_list, name="trajectory-list"),
    path("<uuid:pk>/", views.trajectory_detail, name="trajectory-detail"),
    path("<uuid:pk>/identiteit/", views.identity_panel, name="trajectory-identity"),
    path("<uuid:pk>/gebeurtenis/<slug:event_type>/", views.record_event, name="record-event"),
    path(
        "<uuid:pk>/gebeurtenis/<uuid:event_id>/intrekken/",
        views.retract_event,
        name="retract-event",
    ),
]
