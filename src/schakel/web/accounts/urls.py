from django.urls import path

from schakel.web.accounts import views

urlpatterns = [
    path("", views.organisation_list, name="account-organisations"),
    path("organisaties/nieuw/", views.organisation_edit, name="account-organisation-new"),
    path("organisaties/<int:pk>/", views.organisation_detail, name="account-organisation"),
    path(
        "organisaties/<int:pk>/wijzigen/", views.organisation_edit, name="account-organisation-edit"
    ),
    path("organisaties/<int:pk>/uitnodigen/", views.invite, name="account-invite"),
    path("personen/", views.person_list, name="account-people"),
    path("personen/<int:pk>/", views.person_detail, name="account-person"),
    path("personen/<int:pk>/uitnodiging/", views.resend_invitation, name="account-resend"),
    path("personen/<int:pk>/deactiveren/", views.deactivate, name="account-deactivate"),
    path("toegang/", views.review, name="account-review"),
    path("toegang/<int:pk>/bevestigen/", views.review_confirm, name="account-review-confirm"),
    path("toegang/<int:pk>/beeindigen/", views.review_end, name="account-review-end"),
]

welcome_urlpatterns = [
    path("welkom/<str:uidb64>/<str:token>/", views.welcome, name="account-welcome"),
]
