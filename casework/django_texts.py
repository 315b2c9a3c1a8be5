"""Texts of Django's own admin templates that Django's Simplified Chinese catalogue does not
translate yet (new in Django 5.x; the admin index's hidden table headings, which screen readers
read). Listed here so that casework's catalogue translates them."""

from django.utils.translation import gettext_noop as _

DJANGO_ADMIN_TEXTS = [
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
]
