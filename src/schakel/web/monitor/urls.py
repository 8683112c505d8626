from django.urls import URLPattern, path

from schakel.web.monitor import views

app_name = "monitor"

urlpatterns: list[URLPattern] = [
    path("", views.overview, name="overview"),
    path("verversen/", views.refresh, name="refresh"),
    path("export.csv", views.export_csv, name="export"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
]
