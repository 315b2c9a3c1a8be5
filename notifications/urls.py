from django.urls import path

from . import views

app_name = "notifications"

# mounted under /reminders/ (customs_portal.urls): the addresses people have bookmarked stay
urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.mark_read, name="mark_read"),
]
