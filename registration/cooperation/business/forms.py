from django import forms
from django.utils.translation import gettext_lazy as _

from registration.cooperation.forms import AttachmentsField


class ContestForm(forms.Form):
    reasons = forms.CharField(
        label=_("Why this entry is wrong"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    attachments = AttachmentsField(label=_("Supporting documents (PDF, JPEG or PNG)"), required=False)


class LicenceTermForm(forms.Form):
    licence_valid_to = forms.DateField(
        label=_("Business licence valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty when the licence has no fixed term (长期)."),
    )


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=40)


class JoinForm(forms.Form):
    uscc = forms.CharField(label=_("The enterprise's unified social credit code"), max_length=30)
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    username = forms.CharField(label=_("User name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput)
    message = forms.CharField(
        label=_("Message to the administrator"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        from registration.models import User

        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(User.username_validator)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class CertificationForm(forms.Form):
    """The application: the rating, one answer per self-assessment section, the reports."""

    requested_rating = forms.ChoiceField(label=_("Rating applied for"))
    statement = forms.CharField(
        label=_("Statement (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reports = AttachmentsField(label=_("Supporting reports (PDF, JPEG or PNG)"), required=True)

    def __init__(self, *args, sections=(), **kwargs):
        from registration.models import CreditRating

        super().__init__(*args, **kwargs)
        self.fields["requested_rating"].choices = CreditRating.choices
        self.sections = list(sections)
        for s in self.sections:
            self.fields[f"meets_{s.pk}"] = forms.BooleanField(
                label=_("We meet this standard"), required=False
            )
            self.fields[f"explain_{s.pk}"] = forms.CharField(
                label=s.title, help_text=s.guidance, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
            )

    def answers(self) -> dict:
        return {
            s.pk: (self.cleaned_data.get(f"meets_{s.pk}"), self.cleaned_data.get(f"explain_{s.pk}", ""))
            for s in self.sections
        }


class CertificationResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Your answer to customs"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reports = AttachmentsField(label=_("More reports (PDF, JPEG or PNG)"), required=False)
