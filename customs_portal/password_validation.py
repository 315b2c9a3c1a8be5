"""Password rules: Django's validators, with the one message Django's Chinese catalogue lacks.

Django 5.2 changed the minimum-length error to a "%d" wording whose zh_Hans translation Django
does not ship yet (its catalogue still holds the older "%(min_length)d" one), so Chinese pages
showed it in English. The same rule, its message in the portal's own catalogue."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
