"""Goods register review: customs reviewers approve goods or reject them with a reason."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from casework.admin import StatusHistoryInline
from customs_portal.admin_queues import LargeQueueAdminMixin
from customs_portal.code_tables.admin import code_display
from customs_portal.errors import ApplicationError

from ..models import Goods, GoodsHistory, GoodsStatus, ReceivedMessage
from ..services import goods as goods_services


class GoodsReviewForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[("", "—"), ("approve", _("Approve")), ("reject", _("Reject"))],
    )
    reason = forms.CharField(
        label=_("Reason for the enterprise (required when rejecting)"), required=False, widget=forms.Textarea
    )

    class Meta:
        model = Goods
        fields = []

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give the enterprise a reason for the rejection."))
        return cleaned


class GoodsHistoryInline(StatusHistoryInline):
    model = GoodsHistory


@admin.register(Goods)
class GoodsAdmin(LargeQueueAdminMixin, admin.ModelAdmin):
    form = GoodsReviewForm
    list_display = [
        "item_no",
        "name",
        "gcode",
        "enterprise",
        "status",
        "licence",
        "export_duty",
        "export_rebate",
    ]
    list_filter = ["status", "licence", "export_duty", "export_rebate"]
    search_fields = ["item_no", "name", "gcode", "enterprise__name", "enterprise__customs_code"]
    list_select_related = ["enterprise"]
    readonly_fields = [
        "enterprise",
        "item_no",
        "name",
        "description",
        "gcode",
        "unit_named",
        "unit1_named",
        "licence",
        "export_duty",
        "export_rebate",
        "status",
        "review_reason",
        "created_at",
        "updated_at",
    ]
    fieldsets = [(None, {"fields": readonly_fields}), (_("Review"), {"fields": ["decision", "reason"]})]
    unit_named = code_display("unit", "unit", _("declared unit"))
    unit1_named = code_display("unit1", "unit", _("legal unit"))
    inlines = [GoodsHistoryInline]
    actions = ["approve_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        try:
            if decision == "approve":
                goods_services.goods_approve(goods=obj, actor=request.user)
            elif decision == "reject":
                goods_services.goods_reject(goods=obj, actor=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            self.message_user(request, str(exc), level=messages.ERROR)

    @admin.action(description=_("Approve the selected goods"), permissions=["change"])
    def approve_selected(self, request, queryset):
        done = 0
        for goods in queryset.filter(status=GoodsStatus.PENDING).select_related("enterprise"):
            try:
                goods_services.goods_approve(goods=goods, actor=request.user)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{goods}: {exc}", level=messages.ERROR)
        self.message_user(request, _("%(n)s goods approved.") % {"n": done})


@admin.register(ReceivedMessage)
class ReceivedMessageAdmin(LargeQueueAdminMixin, admin.ModelAdmin):
    """Signed messages as received (signature kept, not verified): read only."""

    list_display = ["received_at", "kind", "guid", "sender", "signed"]
    list_filter = ["kind", "signed"]
    search_fields = ["guid", "sender__name", "sender__customs_code"]
    list_select_related = ["sender"]
    readonly_fields = ["sender", "kind", "guid", "signed", "raw", "received_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
