from django.contrib import admin

from customs_portal.admin_queues import LargeQueueAdminMixin

from .models import Reminder


@admin.register(Reminder)
class ReminderAdmin(LargeQueueAdminMixin, admin.ModelAdmin):
    """What went out, to whom and when: read only (the job writes these rows)."""

    list_display = [
        "created_at",
        "kind",
        "stage",
        "enterprise",
        "subject",
        "due_date",
        "sms",
        "delivered_at",
        "delivery_attempts",
    ]
    list_filter = ["kind", "stage", "due_date"]
    search_fields = ["subject", "enterprise__name", "enterprise__customs_code"]
    list_select_related = ["enterprise"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
