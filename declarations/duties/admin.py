"""Customs screens: the duty rate table (risk officers), the duty forms and the queue of
unpaid and overdue tax bills (reviewers), the payments and every callback received.

Bills and payments are read-only here: a bill is paid only on the provider's confirmation."""

from django.contrib import admin
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customs_portal.admin_queues import LargeQueueAdminMixin, QueueAdminMixin
from customs_portal.code_tables.admin import code_display

from .models import (
    DutyForm,
    DutyFormHistory,
    DutyLine,
    DutyRate,
    PaymentAttempt,
    PaymentCallback,
    UnpaidTaxBill,
)


@admin.register(DutyRate)
class DutyRateAdmin(QueueAdminMixin, admin.ModelAdmin):
    list_display = ["hs_prefix", "description", "rate", "effective_from", "effective_to", "source"]
    list_filter = ["effective_from"]
    search_fields = ["hs_prefix", "description", "source"]
    ordering = ["hs_prefix", "-effective_from"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DutyLineInline(ReadOnlyInline):
    model = DutyLine
    fields = [
        "gnum",
        "gcode",
        "gname",
        "currency_named",
        "total_price",
        "exchange_rate",
        "customs_value",
        "rate",
        "duty",
    ]
    readonly_fields = fields
    currency_named = code_display("currency", "currency", _("currency"))


class DutyFormHistoryInline(ReadOnlyInline):
    model = DutyFormHistory
    fields = ["at", "actor", "actor_label", "from_status", "to_status", "reason_text"]
    readonly_fields = fields


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DutyForm)
class DutyFormAdmin(LargeQueueAdminMixin, ReadOnlyAdmin):
    list_display = ["__str__", "inventory", "enterprise", "released_at", "duty_total", "status"]
    list_filter = ["status"]
    search_fields = ["inventory__invt_no", "enterprise__name", "enterprise__customs_code", "bill__number"]
    list_select_related = ["inventory", "enterprise"]
    inlines = [DutyLineInline, DutyFormHistoryInline]


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not yet due"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.filter(due_date__lt=today)
        if self.value() == "no":
            return queryset.exclude(due_date__lt=today)
        return queryset


@admin.register(UnpaidTaxBill)
class UnpaidTaxBillAdmin(QueueAdminMixin, ReadOnlyAdmin):
    """The queue: unpaid bills, overdue first, then by due date."""

    list_display = ["number", "enterprise", "inventory", "amount", "issued_on", "due_date", "overdue"]
    list_filter = [OverdueFilter]
    search_fields = [
        "number",
        "form__enterprise__name",
        "form__enterprise__customs_code",
        "form__inventory__invt_no",
    ]
    list_select_related = ["form__enterprise", "form__inventory"]

    def get_queryset(self, request):
        today = timezone.localdate()
        return (
            super()
            .get_queryset(request)
            .annotate(
                late=Case(
                    When(due_date__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            .order_by("late", "due_date", "pk")
        )

    @admin.display(description=_("enterprise"))
    def enterprise(self, bill):
        return bill.form.enterprise

    @admin.display(description=_("declaration list"))
    def inventory(self, bill):
        return bill.form.inventory

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, bill):
        return bill.is_overdue


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(QueueAdminMixin, ReadOnlyAdmin):
    list_display = [
        "reference",
        "bill",
        "provider",
        "amount",
        "status",
        "created_at",
        "confirmed_at",
        "confirmed_by",
    ]
    list_filter = ["status", "provider"]
    search_fields = ["reference", "provider_reference", "bill__number"]
    list_select_related = ["bill"]


@admin.register(PaymentCallback)
class PaymentCallbackAdmin(LargeQueueAdminMixin, ReadOnlyAdmin):
    list_display = ["received_at", "reference", "outcome", "remote_addr"]
    list_filter = ["outcome"]
    search_fields = ["reference"]
