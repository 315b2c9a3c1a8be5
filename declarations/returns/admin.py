"""Customs reviewers decide returns (CEB213): accept (the goods leave the month's summary) or
reject with a reason. Through the service: the return is locked, so of two reviewers deciding
at once the second is told it was decided. Also, read only: the amendment notes on forms."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from customs_portal.admin_queues import LargeQueueAdminMixin
from customs_portal.errors import ApplicationError

from .models import (
    InventoryReturn,
    InventoryReturnHistory,
    InventoryReturnLine,
    ReturnStatus,
    SummaryAmendment,
)
from .services import inventory_return_decide


class ReturnDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[("", "—"), ("accept", _("Accept the return")), ("reject", _("Reject the return"))],
    )
    decision_note = forms.CharField(
        label=_("Reason for the enterprise (required when rejecting)"), required=False, widget=forms.Textarea
    )

    class Meta:
        model = InventoryReturn
        fields = []

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("decision_note") or "").strip():
            self.add_error("decision_note", _("Give the enterprise a reason for the rejection."))
        return cleaned


class LineInline(admin.TabularInline):
    model = InventoryReturnLine
    fields = ["gnum", "gcode", "original_qty", "qty", "qty1", "qty2", "total_price", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("inventory_line")

    @admin.display(description=_("commodity code"))
    def gcode(self, obj):
        return obj.inventory_line.gcode

    @admin.display(description=_("quantity on the list"))
    def original_qty(self, obj):
        return obj.inventory_line.qty


class HistoryInline(admin.TabularInline):
    model = InventoryReturnHistory
    fields = ["at", "from_status", "to_status", "actor_display", "reason_text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("actor"))
    def actor_display(self, obj):
        return obj.actor_display


@admin.register(InventoryReturn)
class InventoryReturnAdmin(LargeQueueAdminMixin, admin.ModelAdmin):
    form = ReturnDecisionForm
    list_display = [
        "received_at",
        "invt_no",
        "co_el_no",
        "ebc_enterprise",
        "status",
        "total_value",
        "decided_at",
    ]
    list_filter = ["status"]
    search_fields = ["invt_no", "co_el_no", "ebc_enterprise__name", "ebc_enterprise__customs_code"]
    list_select_related = ["ebc_enterprise"]
    readonly_fields = [
        "inventory",
        "list_status",
        "invt_no",
        "co_el_no",
        "ebc_enterprise",
        "agent_enterprise",
        "logistics_no",
        "reason",
        "status",
        "total_value",
        "completes_list",
        "other_returns",
        "decision_reason_text",
        "decided_by",
        "decided_at",
        "received_at",
    ]
    fieldsets = [
        (None, {"fields": readonly_fields}),
        (_("Decision"), {"fields": ["decision", "decision_note"]}),
    ]
    inlines = [LineInline, HistoryInline]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.status != ReturnStatus.PENDING:
            return [(None, {"fields": self.readonly_fields})]
        return super().get_fieldsets(request, obj)

    @admin.display(description=_("list status"))
    def list_status(self, obj):
        return obj.inventory.get_status_display()

    @admin.display(description=_("customs' reason"))
    def decision_reason_text(self, obj):
        return str(obj.decision_reason) or "—"

    @admin.display(description=_("other returns of the list"))
    def other_returns(self, obj):
        others = obj.inventory.inventory_returns.exclude(pk=obj.pk).order_by("received_at")
        return "; ".join(f"{r.co_el_no} ({r.get_status_display()})" for r in others) or "—"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        if not decision:
            return
        try:
            inventory_return_decide(
                inventory_return=obj,
                actor=request.user,
                accept=decision == "accept",
                reason=form.cleaned_data.get("decision_note", ""),
            )
        except ApplicationError as exc:
            self.message_user(request, str(exc), level=messages.ERROR)


@admin.register(SummaryAmendment)
class SummaryAmendmentAdmin(LargeQueueAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "form", "inventory_return", "total_value", "note_text"]
    list_select_related = ["form", "inventory_return"]
    fields = ["created_at", "form", "inventory_return", "total_value", "note_text"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
