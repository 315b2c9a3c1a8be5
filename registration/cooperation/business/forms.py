from django import forms
from django.utils.translation import gettext_lazy as _

from registration.cooperation.forms import AttachmentsField


class ContestForm(forms.Form):
    reasons = forms.CharField(
        label=_("Why this entry is wrong"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    attachments = AttachmentsField(label=_("Supporting documents (PDF, JPEG or PNG)"), required=False)
