from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from customs_portal.admin_queues import LargeQueueAdminMixin

from .models import InboxMessage, InboxStatus


@admin.register(InboxMessage)
class InboxMessageAdmin(LargeQueueAdminMixin, admin.ModelAdmin):
    """What the inbox holds and how far the workers are: read only (the workers write it)."""

    list_display = [
        "received_at",
        "kind",
        "format",
        "sender",
        "entry_count",
        "status",
        "attempts",
        "processed_at",
        "worker",
    ]
    list_filter = ["status", "kind", "format"]
    search_fields = ["=guid", "=message_guid", "sender__name", "sender__customs_code"]
    list_select_related = ["sender"]
    date_hierarchy = "received_at"
    exclude = ["body"]
    readonly_fields = [
        "guid",
        "sender",
        "kind",
        "format",
        "message_guid",
        "entry_count",
        "status",
        "received_at",
        "processed_at",
        "attempts",
        "receipts",
        "error",
        "worker",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # one GROUP BY for the counts by status, shown above the list
        counts = dict(
            InboxMessage.objects.order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        summary = ", ".join(f"{label}: {counts.get(value, 0)}" for value, label in InboxStatus.choices)
        extra_context = {**(extra_context or {}), "title": _("Inbox (%(counts)s)") % {"counts": summary}}
        return super().changelist_view(request, extra_context=extra_context)
