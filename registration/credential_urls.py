"""Sign-in's second step, password reset and change, contact changes and the second factor,
under /accounts/ (reachable before customs approves the enterprise)."""

from django.urls import path

from . import credential_views as views

app_name = "security"

urlpatterns = [
    path("login/code/", views.login_code, name="login_code"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/code/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password/change/", views.password_change, name="password_change"),
    path("security/", views.overview, name="overview"),
    path("contact/<str:kind>/", views.contact_change, name="contact_change"),
    path("contact/<str:target>/<str:kind>/confirm/", views.contact_confirm, name="contact_confirm"),
    path("two-factor/setup/", views.totp_setup, name="totp_setup"),
    path("two-factor/disable/", views.totp_disable, name="totp_disable"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("enterprise/two-factor/", views.enterprise_two_factor, name="enterprise_two_factor"),
]
