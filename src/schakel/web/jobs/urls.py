from django.urls import path

from schakel.web.jobs import views

urlpatterns = [
    path("<int:pk>/voortgang/", views.progress, name="job-progress"),
]
