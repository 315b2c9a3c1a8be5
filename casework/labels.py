"""The admin in the reader's language, for every app's models (and the apps yet to come).

Django derives a label nobody wrote from the code (field ``asked_by`` reads "asked by", model
``AuthorizationHistory`` reads "authorization history"), and those labels are plain strings that
no catalogue translates. At start-up every such label, and every app name given as a plain
string, becomes a lazy translation of itself; the Chinese is in casework's catalogue, whose
``label_catalogue.py`` lists them for makemessages (``manage.py casework_labels`` rewrites it,
and tests/casework/test_admin_chinese.py fails on a label it does not translate).

Only what is shown changes: migrations read a field's original ``verbose_name`` argument (and a
model's own Meta), so no migration follows from this.
"""

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy


def _plain(value) -> bool:
    return isinstance(value, str) and not isinstance(value, Promise) and bool(value)


def _labelled_fields(model):
    opts = model._meta
    return [f for f in [*opts.local_fields, *opts.local_many_to_many] if hasattr(f, "verbose_name")]


# the plain labels found at start-up (what label_catalogue.py must list)
DERIVED: set[str] = set()


def _lazy(value: str):
    DERIVED.add(value)
    return gettext_lazy(value)


def translate_model_labels() -> None:
    for config in apps.get_app_configs():
        if _plain(config.verbose_name):
            config.verbose_name = _lazy(config.verbose_name)
        for model in config.get_models():
            opts = model._meta
            if "verbose_name_plural" not in opts.original_attrs or _plain(opts.verbose_name_plural):
                # Django's derived plural (the singular and an "s"), or a plain one
                opts.verbose_name_plural = _lazy(str(opts.verbose_name_plural))
            if _plain(opts.verbose_name):
                opts.verbose_name = _lazy(opts.verbose_name)
            for field in _labelled_fields(model):
                if _plain(field.verbose_name):
                    field.verbose_name = _lazy(field.verbose_name)


def translate_admin_columns() -> None:
    """A list column's heading given as a plain string (``@admin.display(description="QR Code")``
    in a third-party admin) becomes a lazy translation of itself, like the model labels."""
    from django.contrib import admin

    for model_admin in admin.site._registry.values():
        for name in model_admin.list_display:
            attr = getattr(type(model_admin), name, None) if isinstance(name, str) else name
            function = getattr(attr, "__func__", attr)
            if callable(function) and _plain(getattr(function, "short_description", None)):
                function.short_description = _lazy(function.short_description)


def translate_otp_admins() -> None:
    """django-otp's device screens (superusers only) write two texts in English whatever the
    language: the search help ("Search by user's …") and the QR-code column's link. The same
    screens, those texts in the reader's language."""
    from django.contrib import admin
    from django.urls import reverse
    from django.utils.html import format_html
    from django.utils.translation import gettext_lazy as _

    for model_admin in admin.site._registry.values():
        if not type(model_admin).__module__.startswith("django_otp"):
            continue
        if model_admin.search_help_text:
            model_admin.search_help_text = _("Search by the user's name or e-mail address")
        if hasattr(model_admin, "qrcode_link"):

            def qrcode_link(device):
                href = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
                return format_html('<a href="{}">{}</a>', href, _("QR code"))

            qrcode_link.short_description = _("QR code")
            model_admin.qrcode_link = qrcode_link


def translate_boolean_icons() -> None:
    """Django's admin marks a yes/no column with an icon whose text is the Python value ("True",
    "False", "None" in English on every language's page: what a screen reader says). The same
    icon, its text in the reader's language (Django's own "Yes"/"No"/"Unknown")."""
    from django.contrib.admin.templatetags import admin_list
    from django.templatetags.static import static
    from django.utils.html import format_html

    # Django's own words, translated by Django's catalogue (a name makemessages does not extract)
    from django.utils.translation import gettext as django_text

    def boolean_icon(field_val):
        name = {True: "yes", False: "no", None: "unknown"}[field_val]
        text = {True: django_text("Yes"), False: django_text("No"), None: django_text("Unknown")}[field_val]
        return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), text)

    admin_list._boolean_icon = boolean_icon
