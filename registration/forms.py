"""Browser forms of the trader side of registration. They check input where it enters; the
rules themselves (USCC, phone, uploads, uniqueness) live in registration.services."""

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from customs_portal.errors import ApplicationError
from customs_portal.uploads import validate_document

from . import services
from .models import Enterprise, Role, User

DOCUMENT_HELP = _("PDF, JPEG or PNG, at most 10 MB.")


def apply_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's refusal on the field it concerns, or above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


class _Checks:
    """Field cleaners shared by the forms that take enterprise details."""

    def clean_uscc(self):
        try:
            return services.uscc_normalise(self.cleaned_data["uscc"])
        except ApplicationError as exc:
            raise ValidationError(str(exc.message)) from None

    def clean_contact_phone(self):
        try:
            return services.phone_normalise(self.cleaned_data["contact_phone"])
        except ApplicationError as exc:
            raise ValidationError(str(exc.message)) from None


def _document_field(label, *, required=True):
    return forms.FileField(
        label=label,
        required=required,
        help_text=DOCUMENT_HELP,
        validators=[validate_document],
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )


def _roles_field():
    return forms.MultipleChoiceField(
        label=_("Enterprise roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every role your enterprise holds."),
    )


class SignupForm(_Checks, forms.Form):
    """The sign-up's answers. ``kept_uploads`` ({field: {"name", ...}}) are scans the server
    already holds from an earlier submission (customs_portal.kept_uploads): such a field may be
    left empty, and the page shows the kept file's name with a control to replace it."""

    FILE_FIELDS = ("licence_file", "tax_certificate_file")

    name = forms.CharField(label=_("Company name"), max_length=200)
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        help_text=_("18 characters, as printed on the business licence."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    address = forms.CharField(label=_("Address"), max_length=300)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    roles = _roles_field()
    pilot_zone = forms.BooleanField(
        label=_("Located in a cross-border e-commerce comprehensive pilot zone"), required=False
    )
    licence_file = _document_field(_("Business licence scan"))
    tax_certificate_file = _document_field(_("Tax registration certificate scan"))
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("You sign in with it; letters, digits and @/./+/-/_ only."),
        validators=[User.username_validator],
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    channel = forms.ChoiceField(
        label=_("Send my verification code by"),
        choices=[(services.CHANNEL_EMAIL, _("E-mail")), (services.CHANNEL_SMS, _("SMS"))],
        initial=services.CHANNEL_EMAIL,
        widget=forms.RadioSelect,
    )
    privacy_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kept_uploads=None, **kwargs):
        from registration.cooperation.business.models import PrivacyNotice

        super().__init__(*args, **kwargs)
        self.kept_uploads = {k: v for k, v in (kept_uploads or {}).items() if k in self.FILE_FIELDS}
        for name in self.kept_uploads:
            self.fields[name].required = False
        self.privacy_notice = PrivacyNotice.current()
        if self.privacy_notice is None:
            del self.fields["privacy_version"]
            return
        # the version the person read is sent back with the form: consent is to that version
        self.fields["privacy_version"].initial = self.privacy_notice.version
        self.fields["privacy_consent"] = forms.BooleanField(
            label=_("I have read the privacy notice (version %(version)s) and accept it.")
            % {"version": self.privacy_notice.version},
            help_text=format_html(
                '<a href="{}" target="_blank">{}</a>', reverse("privacy_notice"), _("Read it")
            ),
            error_messages={"required": _("Accept the privacy notice to sign up.")},
        )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            # the same rules the service applies, the user's own details included (similarity)
            user = User(
                username=data.get("username", ""),
                email=data.get("contact_email", ""),
                first_name=(data.get("contact_name") or "")[:150],
            )
            try:
                password_validation.validate_password(data["password1"], user)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data

    def answers(self) -> dict:
        """The cleaned answers a check page shows and the sign-up sends (no files, no password)."""
        skip = {*self.FILE_FIELDS, "password1", "password2", "privacy_consent"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )


class SendCodeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Send a new code by"),
        choices=[(services.CHANNEL_EMAIL, _("E-mail")), (services.CHANNEL_SMS, _("SMS"))],
        widget=forms.RadioSelect,
        initial=services.CHANNEL_EMAIL,
    )


class CorrectionForm(_Checks, forms.Form):
    """The whole registration, pre-filled, for the corrections a reviewer asked for."""

    name = forms.CharField(label=_("Company name"), max_length=200)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30)
    address = forms.CharField(label=_("Address"), max_length=300)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_phone = forms.CharField(label=_("Mobile phone"), max_length=20)
    contact_email = forms.EmailField(label=_("E-mail"))
    roles = _roles_field()
    pilot_zone = forms.BooleanField(
        label=_("Located in a cross-border e-commerce comprehensive pilot zone"), required=False
    )
    licence_file = _document_field(
        _("New business licence scan (only if it must be replaced)"), required=False
    )
    tax_certificate_file = _document_field(
        _("New tax registration certificate scan (only if it must be replaced)"), required=False
    )

    @classmethod
    def initial_for(cls, enterprise: Enterprise) -> dict:
        initial = {field: getattr(enterprise, field) for field in services.CORRECTION_FIELDS}
        initial["roles"] = enterprise.roles
        return initial


class ProfileForm(_Checks, forms.Form):
    address = forms.CharField(label=_("Address"), max_length=300)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_phone = forms.CharField(label=_("Mobile phone"), max_length=20)
    contact_email = forms.EmailField(label=_("E-mail"))
    pilot_zone = forms.BooleanField(
        label=_("Located in a cross-border e-commerce comprehensive pilot zone"), required=False
    )

    @classmethod
    def initial_for(cls, enterprise: Enterprise) -> dict:
        return {field: getattr(enterprise, field) for field in services.PROFILE_FIELDS}


class NameChangeForm(forms.Form):
    new_name = forms.CharField(label=_("New company name"), max_length=200)
    licence_file = _document_field(_("Business licence scan showing the new name"))


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Operator's e-mail"))


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        validators=[User.username_validator],
    )
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput)

    def clean_phone(self):
        phone = self.cleaned_data.get("phone")
        if not phone:
            return ""
        try:
            return services.phone_normalise(phone)
        except ApplicationError as exc:
            raise ValidationError(str(exc.message)) from None

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data
