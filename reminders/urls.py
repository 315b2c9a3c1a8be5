from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.mark_read, name="mark_read"),
    path("preferences/", views.preferences, name="preferences"),
]
