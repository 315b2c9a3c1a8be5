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
