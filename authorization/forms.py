from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customs_portal.uploads import validate_document

from .models import AuthorizationStatus, Party, Scope
from .services import agent_candidates, principal_candidates


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleDocumentField(forms.FileField):
    """Several scans at once, each checked by content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [single(f, initial) for f in files]
        for f in cleaned:
            validate_document(f)
        return cleaned


def _document_field(label, required=True, help_text=None):
    return forms.FileField(
        label=label,
        required=required,
        validators=[validate_document],
        help_text=help_text or _("PDF, JPEG or PNG scan, at most 10 MB."),
    )


class PeriodMixin:
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end <= start:
            self.add_error("valid_to", _("The end of the validity must be after its start."))
        return cleaned


def _contact_fields(prefix: str, required: bool) -> dict:
    return {
        f"{prefix}contact_name": forms.CharField(
            label=_("Contact person"), max_length=100, required=required
        ),
        f"{prefix}contact_phone": forms.CharField(label=_("Contact phone"), max_length=20, required=required),
        f"{prefix}contact_email": forms.EmailField(label=_("Contact e-mail"), required=required),
    }


class AuthorizationCreateForm(PeriodMixin, forms.Form):
    as_party = forms.ChoiceField(label=_("Your enterprise acts as"), choices=Party.choices)
    counterparty_code = forms.CharField(
        label=_("Other party's customs registration code or unified social credit code"), max_length=18
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), widget=DateInput())
    auto_renew = forms.BooleanField(label=_("Renew automatically for the same length"), required=False)
    contact_name = forms.CharField(label=_("Your contact person"), max_length=100)
    contact_phone = forms.CharField(label=_("Your contact phone"), max_length=20)
    contact_email = forms.EmailField(label=_("Your contact e-mail"))
    power_of_attorney = _document_field(
        _("Signed power of attorney"),
        required=False,
        help_text=_(
            "PDF, JPEG or PNG scan, at most 10 MB. If you do not have it yet, the other party "
            "uploads it when confirming."
        ),
    )
    documents = MultipleDocumentField(
        label=_("Supplementary documents"), help_text=_("Optional. PDF, JPEG or PNG, at most 10 MB each.")
    )

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        sides = []
        if enterprise.is_owner or enterprise.is_ecommerce:
            sides.append((Party.PRINCIPAL, Party.PRINCIPAL.label))
        if enterprise.is_broker:
            sides.append((Party.AGENT, Party.AGENT.label))
        self.fields["as_party"].choices = sides
        if sides:
            self.fields["as_party"].initial = sides[0][0]
        for key in ("contact_name", "contact_phone", "contact_email"):
            self.fields[key].initial = getattr(enterprise, key)

    def clean(self):
        cleaned = super().clean()
        if not self.fields["as_party"].choices:
            raise forms.ValidationError(
                _(
                    "Only goods owners, cross-border e-commerce enterprises and customs brokers take part "
                    "in declaration authorizations."
                )
            )
        code = (cleaned.get("counterparty_code") or "").strip().upper()
        side = cleaned.get("as_party")
        if code and side:
            candidates = agent_candidates() if side == Party.PRINCIPAL else principal_candidates()
            other = (
                candidates.filter(Q(customs_code=code) | Q(uscc=code)).exclude(pk=self.enterprise.pk).first()
            )
            if other is None:
                self.add_error(
                    "counterparty_code",
                    _("No customs broker approved by customs has this code.")
                    if side == Party.PRINCIPAL
                    else _("No goods owner or e-commerce enterprise approved by customs has this code."),
                )
            cleaned["counterparty"] = other
        return cleaned


class ConfirmForm(forms.Form):
    contact_name = forms.CharField(label=_("Your contact person"), max_length=100)
    contact_phone = forms.CharField(label=_("Your contact phone"), max_length=20)
    contact_email = forms.EmailField(label=_("Your contact e-mail"))
    power_of_attorney = _document_field(_("Signed power of attorney"), required=False)
    documents = MultipleDocumentField(
        label=_("Supplementary documents"), help_text=_("Optional. PDF, JPEG or PNG, at most 10 MB each.")
    )

    def __init__(self, *args, authorization, party, **kwargs):
        super().__init__(*args, **kwargs)
        for key in ("contact_name", "contact_phone", "contact_email"):
            self.fields[key].initial = getattr(authorization, f"{party}_{key}")
        if not authorization.power_of_attorney:
            self.fields["power_of_attorney"].required = True
            self.fields["power_of_attorney"].help_text = _(
                "None is attached yet: upload the power of attorney signed by the principal (PDF, JPEG or PNG, "
                "at most 10 MB)."
            )
        else:
            self.fields["power_of_attorney"].help_text = _("Optional: replaces the attached one.")


class ChangeRequestForm(PeriodMixin, forms.Form):
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), widget=DateInput())
    principal_contact_name = forms.CharField(label=_("Principal's contact person"), max_length=100)
    principal_contact_phone = forms.CharField(label=_("Principal's contact phone"), max_length=20)
    principal_contact_email = forms.EmailField(label=_("Principal's contact e-mail"))
    agent_contact_name = forms.CharField(label=_("Agent's contact person"), max_length=100)
    agent_contact_phone = forms.CharField(label=_("Agent's contact phone"), max_length=20)
    agent_contact_email = forms.EmailField(label=_("Agent's contact e-mail"))
    power_of_attorney = _document_field(
        _("New signed power of attorney"),
        required=False,
        help_text=_("Optional. PDF, JPEG or PNG, at most 10 MB."),
    )
    documents = MultipleDocumentField(label=_("Supplementary documents"))
    note = forms.CharField(
        label=_("What changes and why"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, authorization, **kwargs):
        initial = {
            name: getattr(authorization, name)
            for name in (
                "scope",
                "valid_from",
                "valid_to",
                "principal_contact_name",
                "principal_contact_phone",
                "principal_contact_email",
                "agent_contact_name",
                "agent_contact_phone",
                "agent_contact_email",
            )
        }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class SupplementForm(forms.Form):
    documents = MultipleDocumentField(label=_("New documents"))
    power_of_attorney = _document_field(
        _("New signed power of attorney"),
        required=False,
        help_text=_("Optional. PDF, JPEG or PNG, at most 10 MB."),
    )
    note = forms.CharField(
        label=_("Note to customs"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("documents") and not cleaned.get("power_of_attorney"):
            raise forms.ValidationError(_("Attach at least one new document or a new power of attorney."))
        return cleaned


class PreferenceForm(forms.Form):
    auto_confirm_partners = forms.BooleanField(
        label=_("Confirm requests from existing partners automatically"),
        required=False,
        help_text=_(
            "A request from an enterprise with which you already have an authorization that customs approved "
            "(in force or expired) goes straight to customs review."
        ),
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns: principal_uscc, contact_name, contact_phone, contact_email, scope (import, export or both), "
            "valid_from, valid_to (YYYY-MM-DD), auto_renew (yes or no)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a CSV (UTF-8) or XLSX file."))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large; the limit is 5 MB."))
        return upload


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(AuthorizationStatus.choices)
    )
    counterparty = forms.TypedChoiceField(
        label=_("Other party"), required=False, coerce=int, empty_value=None
    )
    expiring_within = forms.IntegerField(
        label=_("Expiring within (days)"), required=False, min_value=0, max_value=3660
    )

    def __init__(self, *args, counterparties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterparty"].choices = [("", _("All"))] + [(pk, name) for pk, name in counterparties]
