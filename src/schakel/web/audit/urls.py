from django.urls import path

from schakel.web.audit import views

urlpatterns = [path("", views.audit_log, name="audit-log")]
