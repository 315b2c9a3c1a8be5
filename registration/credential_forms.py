"""Forms of sign-in, recovery and the second factor (the rules live in registration.credentials)."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.forms import OTPAuthenticationFormMixin

from . import services
from .credentials import totp_device

CHANNEL_CHOICES = [(services.CHANNEL_EMAIL, _("E-mail")), (services.CHANNEL_SMS, _("SMS"))]


def _code_field(label, *, max_length=6, pattern="[0-9]{6}"):
    attrs = {"autocomplete": "one-time-code", "spellcheck": "false"}
    if pattern:
        attrs.update(inputmode="numeric", pattern=pattern)
    return forms.CharField(label=label, max_length=max_length, widget=forms.TextInput(attrs=attrs))


def _new_password_fields():
    return (
        forms.CharField(
            label=_("New password"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=_("At least 10 characters, not only digits, not a common password."),
        ),
        forms.CharField(
            label=_("New password again"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
    )


class _NewPassword:
    def clean(self):
        data = super().clean()
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first)
            except ValidationError as exc:
                self.add_error("new_password1", exc)
        return data


class PortalLoginForm(AuthenticationForm):
    """Django's sign-in form; the second factor, if any, is asked on the next page."""


class LoginCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Authentication code"),
        max_length=20,
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autofocus": True}
        ),
    )


class PasswordResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("User name, e-mail or mobile number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    channel = forms.ChoiceField(
        label=_("Send the code by"),
        choices=CHANNEL_CHOICES,
        initial=services.CHANNEL_EMAIL,
        widget=forms.RadioSelect,
        help_text=_("Only to an e-mail address or mobile number you have confirmed with a code."),
    )


class PasswordResetConfirmForm(_NewPassword, forms.Form):
    code = _code_field(_("Code"))
    new_password1, new_password2 = _new_password_fields()


class ContactChangeForm(forms.Form):
    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == services.CHANNEL_EMAIL:
            self.fields["value"] = forms.EmailField(
                label=_("New e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
            )
        else:
            self.fields["value"] = forms.CharField(
                label=_("New mobile phone"),
                max_length=20,
                widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            )


class CodeForm(forms.Form):
    code = _code_field(_("Code"))


class TotpConfirmForm(forms.Form):
    code = _code_field(_("Code shown by the app"))


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RequireTwoFactorForm(forms.Form):
    required = forms.BooleanField(
        label=_("Every user of the enterprise signs in with a second factor"), required=False
    )


class AdminOTPLoginForm(OTPAdminAuthenticationForm):
    """The admin's sign-in in one submission: user name, password and the authenticator code.

    django-otp asks the user to pick a device once the password is known, so the first right
    code is always refused with "Please select a device.". With none chosen, the user's first
    confirmed authenticator is used: a wrong code is still refused and counted by its
    throttle. The messages are the portal's own, translated."""

    otp_error_messages = dict(
        OTPAuthenticationFormMixin.otp_error_messages,
        token_required=_("Enter the code your authenticator app shows."),
        invalid_token=_("The code is wrong. Enter the 6 digits the app shows now."),
        n_failed_attempts=ngettext_lazy(
            "Verification is paused after %(failure_count)d wrong code; try again in a moment.",
            "Verification is paused after %(failure_count)d wrong codes; try again in a moment.",
            "failure_count",
        ),
        verification_not_allowed=_("Verification is paused; try again in a moment."),
        device_required=_("You have no authenticator set up. Ask an administrator."),
        not_interactive=_("This device does not send codes."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].label = _("Authentication code")
        self.fields["otp_token"].widget.attrs.update(autocomplete="one-time-code", inputmode="numeric")
        self.fields["otp_device"].label = _("Device")

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None and user is not None:
            device = totp_device(user=user)
        return device

    @property
    def offers_device_choice(self) -> bool:
        # the select lists a blank entry and the user's devices
        return len(getattr(self.fields["otp_device"].widget, "choices", [])) > 2
