from django.urls import path

from schakel.web.retention import views

urlpatterns = [
    path("", views.overview, name="retention-overview"),
    path("wissen/<uuid:trajectory_id>/", views.request_erasure, name="retention-request"),
    path("verzoek/<int:request_id>/", views.decide_erasure, name="retention-decide"),
]
