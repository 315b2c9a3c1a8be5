from django import forms
from django.utils.translation import gettext_lazy as _

from customs_portal.uploads import validate_document

from .models import AnnualReport, QuestionCategory

MAX_ATTACHMENTS = 5


def _declared_true_field():
    return forms.BooleanField(
        label=_("I declare that this report is true, accurate and complete."),
        required=True,
        error_messages={"required": _("Confirm that the report is true and complete before submitting it.")},
    )


class AnnualReportForm(forms.ModelForm):
    declared_true = _declared_true_field()

    class Meta:
        model = AnnualReport
        fields = [
            "business_status",
            "contact_name",
            "contact_phone",
            "contact_email",
            "import_volume",
            "export_volume",
            "staff_count",
            "customs_staff_count",
        ]

    def clean(self):
        data = super().clean()
        staff, customs_staff = data.get("staff_count"), data.get("customs_staff_count")
        if staff is not None and customs_staff is not None and customs_staff > staff:
            self.add_error("customs_staff_count", _("Cannot be more than the number of staff."))
        for name in ("import_volume", "export_volume"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, _("Cannot be negative."))
        return data


class AnnualReportAnswersForm(AnnualReportForm):
    """The report's answers, before the check page (the declaration is made there, beside the
    button that files it)."""

    declared_true = None


class AnnualReportDeclarationForm(forms.Form):
    """The declaration on the check page, beside the button that files the report."""

    declared_true = _declared_true_field()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("At most %(n)s files.") % {"n": MAX_ATTACHMENTS})
        cleaned = [super(AttachmentsField, self).clean(f, initial) for f in files]
        for f in cleaned:
            validate_document(f)
        return cleaned


class QuestionForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=QuestionCategory.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    text = forms.CharField(
        label=_("Your question"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    attachments = AttachmentsField(label=_("Attachments (PDF, JPEG or PNG)"), required=False)
    to_officer = forms.BooleanField(required=False)

    def __init__(self, *args, officer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if officer is None:
            del self.fields["to_officer"]
        else:
            self.fields["to_officer"].label = _("Address it to my coordinating officer, %(name)s") % {
                "name": officer.name
            }


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    attachments = AttachmentsField(label=_("Attachments (PDF, JPEG or PNG)"), required=False)
