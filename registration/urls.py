from django.urls import path

from . import views

app_name = "registration"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/check/", views.signup_check, name="signup_check"),
    path("verify/", views.verify, name="verify"),
    path("status/", views.status, name="status"),
    path("correct/", views.correct, name="correct"),
    path("documents/<str:kind>/", views.document, name="document"),
    path("profile/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/name/", views.name_change, name="name_change"),
    path("profile/language/", views.language, name="language"),
    path("users/invite/", views.invite, name="invite"),
    path("users/<int:pk>/deactivate/", views.deactivate_user, name="deactivate_user"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
