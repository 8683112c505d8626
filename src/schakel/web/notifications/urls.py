from django.urls import path

from schakel.web.notifications import views

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("teller/", views.notification_badge, name="notification-badge"),
    path("gelezen/", views.notifications_read, name="notifications-read"),
    path("instellingen/", views.notification_preferences, name="notification-preferences"),
]
