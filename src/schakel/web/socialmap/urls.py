from django.urls import path

from schakel.web.socialmap import views

urlpatterns = [
    path("", views.service_list, name="socialmap-list"),
    path("nieuw/", views.service_create, name="socialmap-create"),
    path("<int:pk>/", views.service_detail, name="socialmap-detail"),
    path("openbaar/<int:pk>/", views.public_service_detail, name="socialmap-public-detail"),
    path("<int:pk>/bewerken/", views.service_edit, name="socialmap-edit"),
]
