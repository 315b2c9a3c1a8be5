"""Customs screens: declaration on collection per enterprise (changed through the service, so
each change is in the enterprise's change log), the exit customs requiring arrival, and the
arrival reports, waybill summaries and lists in transit (read only)."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from customs_portal.errors import ApplicationError

from . import services, trade_modes
from .models import (
    Arrival,
    ArrivalRequiredCustoms,
    AutoDeclaration,
    ListTransit,
    TradeDocument,
    WaybillSummary,
)


class AutoDeclarationForm(forms.ModelForm):
    class Meta:
        model = AutoDeclaration
        fields = ["enterprise", "enabled"]

    def clean(self):
        cleaned = super().clean()
        enterprise = cleaned.get("enterprise") or getattr(self.instance, "enterprise", None)
        if cleaned.get("enabled") and enterprise is not None and not enterprise.has_role("ecommerce"):
            raise forms.ValidationError(
                _("Only a cross-border e-commerce enterprise declares lists; this enterprise is not one.")
            )
        return cleaned


@admin.register(AutoDeclaration)
class AutoDeclarationAdmin(admin.ModelAdmin):
    form = AutoDeclarationForm
    list_display = ["enterprise", "enabled", "changed_at"]
    list_filter = ["enabled"]
    search_fields = ["enterprise__name", "enterprise__customs_code", "enterprise__uscc"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]

    def get_readonly_fields(self, request, obj=None):
        return ["enterprise", "changed_at", "change_log"] if obj else ["changed_at"]

    @admin.display(description=_("Change log"))
    def change_log(self, obj):
        """Every change of this setting: when, who, what (the enterprise's change log)."""
        from registration.models import EnterpriseHistory

        rows = (
            EnterpriseHistory.objects.filter(
                enterprise_id=obj.pk, reason__id__in=[services.AUTO_ON, services.AUTO_OFF]
            )
            .select_related("actor")
            .order_by("at", "id")
        )
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} · {} · {}</li>",
                (
                    (
                        timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M"),
                        row.actor_display,
                        row.reason_text(),
                    )
                    for row in rows
                ),
            ),
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # through the service: the enterprise's change log says who changed it, and when
        try:
            services.auto_declaration_set(enterprise=obj.enterprise, actor=request.user, enabled=obj.enabled)
        except ApplicationError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)


class ArrivalRequiredCustomsForm(forms.ModelForm):
    class Meta:
        model = ArrivalRequiredCustoms
        fields = ["customs_code", "name"]

    def clean_customs_code(self):
        code = (self.cleaned_data.get("customs_code") or "").strip()
        if len(code) != 4 or not code.isdigit():
            raise forms.ValidationError(_("An exit customs code has 4 digits."))
        return code


@admin.register(ArrivalRequiredCustoms)
class ArrivalRequiredCustomsAdmin(admin.ModelAdmin):
    form = ArrivalRequiredCustomsForm
    list_display = ["customs_code", "name", "created_at"]
    search_fields = ["customs_code", "name"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Arrival)
class ArrivalAdmin(ReadOnlyAdmin):
    list_display = ["cop_no", "logistics_name", "operator_name", "bill_no", "arrived_at", "received_at"]
    search_fields = ["cop_no", "logistics_code", "bill_no"]
    list_select_related = True


@admin.register(WaybillSummary)
class WaybillSummaryAdmin(ReadOnlyAdmin):
    list_display = ["cop_no", "bill_no", "logistics_name", "voyage_no", "received_at"]
    search_fields = ["cop_no", "bill_no", "logistics_code"]


@admin.register(ListTransit)
class ListTransitAdmin(ReadOnlyAdmin):
    list_display = ["list_number", "trade_mode", "bill_no", "total_package_no", "arrived"]
    search_fields = ["inventory__invt_no", "inventory__logistics_no", "total_package_no", "bill_no"]
    list_select_related = ["inventory"]

    @admin.display(description=_("declaration list"), ordering="inventory__invt_no")
    def list_number(self, obj):
        return obj.inventory.invt_no or obj.inventory.cop_no

    @admin.display(description=_("trade mode"))
    def trade_mode(self, obj):
        return trade_modes.label(obj.inventory.trade_mode)

    @admin.display(description=_("arrived"), ordering="arrived_at")
    def arrived(self, obj):
        return timezone.localtime(obj.arrived_at).strftime("%Y-%m-%d %H:%M") if obj.arrived_at else "—"


@admin.register(TradeDocument)
class TradeDocumentAdmin(ReadOnlyAdmin):
    list_display = ["inventory", "reference", "recorded_at"]
    search_fields = ["inventory__invt_no", "inventory__cop_no", "reference"]
