from django.urls import path

from schakel.web.linkage import views

urlpatterns = [
    path("terugkeer/", views.candidates, name="return-candidates"),
    path("terugkeer/<int:pk>/", views.review, name="review-return"),
    path("koppeling/", views.runs, name="linkage-runs"),
]
