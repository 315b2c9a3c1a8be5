from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
]
