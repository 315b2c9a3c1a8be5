"""Texts of Django's own admin templates and of the third-party apps' admin screens that their
Simplified Chinese catalogues do not translate (Django's new 5.x strings; django-axes and
djangorestframework-api-key ship no Chinese). Listed here so that casework's catalogue
translates them: a catalogue answers for a message id whichever code asks for it."""

from django.utils.translation import gettext_noop as _

DJANGO_ADMIN_TEXTS = [
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
]

THIRD_PARTY_TEXTS = [
    # django-axes (sign-in lock-out)
    _("Access Attempt"),
    _("Access lock out"),
    _("Attempt Remaining"),
    _("Attempt Time"),
    _("Clean up expired attempts"),
    _("Expires At"),
    _("Failed Logins"),
    _("Form Data"),
    _("GET Data"),
    _("HTTP Accept"),
    _("IP Address"),
    _("Locked Out"),
    _("Logout Time"),
    _("Meta Data"),
    _("Not set"),
    _("POST Data"),
    _("Path"),
    _("Session key hash (sha256)"),
    _("User Agent"),
    _("Username"),
    _("The time when access attempt expires and is no longer valid."),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("access attempt"),
    _("access attempts"),
    _("access failure"),
    _("access failures"),
    _("access log"),
    _("access logs"),
    # djangorestframework-api-key
    _("Expires"),
    _("Once API key expires, clients cannot use it anymore."),
    _("The API key has been revoked, which cannot be undone."),
]
