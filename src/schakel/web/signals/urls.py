from django.urls import path

from schakel.web.signals import catalogue_edit_views, catalogue_views, professional_views, views

urlpatterns = [
    path("check/", views.check_start, name="signal-check"),
    path("check/vragen/", views.check_questions, name="signal-check-questions"),
    path("check/vragen/ronde/<int:number>/", views.check_round, name="signal-check-round"),
    path("check/vragen/<slug:part>/", views.check_questions, name="signal-check-part"),
    path("check/resultaat/", views.check_result, name="signal-check-result"),
    path("check/opnieuw/", views.check_restart, name="signal-check-restart"),
    path("check/mailen/", views.check_mail, name="signal-check-mail"),
    path("overleg/nieuw/", professional_views.consult, name="signal-consult"),
    path("overleg/", professional_views.consultations, name="signal-consultations"),
    path("overleg/<uuid:pk>/", professional_views.consultation, name="signal-consultation"),
    path("inbox/", professional_views.inbox, name="signal-inbox"),
    path("verwijzen/", professional_views.refer, name="signal-refer"),
    path("verwijzingen/", professional_views.referrals, name="signal-referrals"),
    path(
        "verwijzingen/<uuid:pk>/eigen-kenmerk/",
        professional_views.referral_label,
        name="signal-referral-label",
    ),
    path("catalogus/", catalogue_views.catalogue_versions, name="signal-catalogue"),
    path("catalogus/bundel/", catalogue_views.catalogue_bundle, name="signal-catalogue-bundle"),
    path("catalogus/sets/", catalogue_edit_views.catalogue_sets, name="signal-catalogue-sets"),
    path(
        "catalogus/sets/<slug:set_id>/",
        catalogue_edit_views.catalogue_set,
        name="signal-catalogue-set",
    ),
    path(
        "catalogus/concept/indicator/<str:indicator_id>/",
        catalogue_edit_views.catalogue_indicator,
        name="signal-catalogue-indicator",
    ),
    path("catalogus/concept/", catalogue_edit_views.catalogue_draft, name="signal-catalogue-draft"),
    path(
        "catalogus/concept/indienen/",
        catalogue_edit_views.catalogue_draft_submit,
        name="signal-catalogue-draft-submit",
    ),
    path(
        "catalogus/concept/goedkeuren/",
        catalogue_edit_views.catalogue_draft_approve,
        name="signal-catalogue-draft-approve",
    ),
    path(
        "catalogus/concept/terugsturen/",
        catalogue_edit_views.catalogue_draft_send_back,
        name="signal-catalogue-draft-send-back",
    ),
    path(
        "catalogus/concept/voorbeeld/",
        catalogue_edit_views.catalogue_draft_preview,
        name="signal-catalogue-draft-preview",
    ),
]
