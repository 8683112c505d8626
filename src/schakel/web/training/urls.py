from django.urls import path

from schakel.web.training import views

urlpatterns = [
    path("", views.training_index, name="training-index"),
    path("nieuw/", views.training_create, name="training-create"),
    path("registraties/", views.record_list, name="training-records"),
    path("verlopend/", views.expiring_list, name="training-expiring"),
    path("dekking/", views.coverage_view, name="training-coverage"),
    path("<int:pk>/", views.training_detail, name="training-detail"),
    path("<int:pk>/geldigheid/", views.training_validity, name="training-validity"),
]
