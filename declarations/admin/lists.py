"""Cancellation requests (CEB605): a customs reviewer approves (the list is cancelled) or refuses.

Also, read only: the entries refused at intake (what each sender sees in its error log).
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from customs_portal.admin_queues import LargeQueueAdminMixin
from customs_portal.errors import ApplicationError

from ..models import CancelStatus, IntakeRejection, InventoryCancelRequest
from ..services import inventory_cancel_decide


class CancelDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[("", "—"), ("approve", _("Cancel the list")), ("refuse", _("Refuse the request"))],
    )
    decision_note = forms.CharField(
        label=_("Reason for the enterprise (required when refusing)"), required=False, widget=forms.Textarea
    )

    class Meta:
        model = InventoryCancelRequest
        fields = []

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not (cleaned.get("decision_note") or "").strip():
            self.add_error("decision_note", _("Give the enterprise a reason for the refusal."))
        return cleaned


@admin.register(InventoryCancelRequest)
class InventoryCancelRequestAdmin(LargeQueueAdminMixin, admin.ModelAdmin):
    form = CancelDecisionForm
    list_display = ["received_at", "invt_no", "cop_no", "sender", "status", "decided_at"]
    list_filter = ["status"]
    search_fields = ["invt_no", "cop_no", "sender__name", "sender__customs_code"]
    list_select_related = ["sender"]
    readonly_fields = [
        "inventory",
        "invt_no",
        "cop_no",
        "reason",
        "sender",
        "guid",
        "app_time",
        "received_at",
        "status",
        "decided_by",
        "decided_at",
        "decision_reason",
    ]
    fieldsets = [
        (None, {"fields": readonly_fields}),
        (_("Decision"), {"fields": ["decision", "decision_note"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.status != CancelStatus.PENDING:
            return [(None, {"fields": self.readonly_fields})]
        return super().get_fieldsets(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        if not decision:
            return
        try:
            inventory_cancel_decide(
                request=obj,
                actor=request.user,
                approve=decision == "approve",
                reason=form.cleaned_data.get("decision_note", ""),
            )
        except ApplicationError as exc:
            self.message_user(request, str(exc), level=messages.ERROR)


@admin.register(IntakeRejection)
class IntakeRejectionAdmin(LargeQueueAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "sender", "kind", "key", "reason_text"]
    list_filter = ["kind"]
    search_fields = ["key", "guid", "sender__name", "sender__customs_code"]
    list_select_related = ["sender"]
    fields = ["created_at", "sender", "kind", "key", "guid", "reason_text", "payload"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
