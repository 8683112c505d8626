from django.urls import path

from schakel.web.knowledge import editor_views, views

urlpatterns = [
    path("", views.article_index, name="knowledge-index"),
    path("redactie/", editor_views.editor_tasks, name="knowledge-tasks"),
    path("redactie/kapotte-links/", editor_views.broken_links, name="knowledge-broken-links"),
    path("redactie/nieuw/", editor_views.article_create, name="knowledge-create"),
    path("openbaar/<slug:slug>/", views.public_article, name="knowledge-public-article"),
    path("<slug:slug>/", views.article_detail, name="knowledge-article"),
    path("<slug:slug>/versies/", views.article_versions, name="knowledge-versions"),
    path("<slug:slug>/versies/<int:number>/", views.version_detail, name="knowledge-version"),
    path("<slug:slug>/bewerken/", editor_views.article_edit, name="knowledge-edit"),
    path("<slug:slug>/publiceren/", editor_views.article_publish, name="knowledge-publish"),
    path("<slug:slug>/indienen/", editor_views.article_submit, name="knowledge-submit"),
    path("<slug:slug>/terugsturen/", editor_views.article_send_back, name="knowledge-send-back"),
    path("<slug:slug>/openbaar/", editor_views.article_set_public, name="knowledge-set-public"),
    path("<slug:slug>/intrekken/", editor_views.article_withdraw, name="knowledge-withdraw"),
    path("<slug:slug>/herzien/", editor_views.article_flag_review, name="knowledge-flag-review"),
]
