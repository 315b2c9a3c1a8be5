from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import CallbackEndpoint, CallbackStatus


@admin.register(CallbackEndpoint)
class CallbackEndpointAdmin(admin.ModelAdmin):
    """Ops staff see every enterprise's callback and resume the ones paused after failures."""

    list_display = ["enterprise", "url", "status", "failures", "last_attempt_at", "last_success_at"]
    list_filter = ["status"]
    search_fields = ["enterprise__name", "enterprise__customs_code", "url"]
    list_select_related = ["enterprise"]
    readonly_fields = [
        "enterprise", "url", "status", "failures", "last_error", "last_attempt_at", "last_success_at",
        "next_attempt_at", "created_at", "updated_at",
    ]  # fmt: skip
    exclude = ["secret", "cursor"]
    actions = ["resume"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Resume the selected callbacks"), permissions=["change"])
    def resume(self, request, queryset):
        paused = list(queryset.filter(status=CallbackStatus.PAUSED))
        for endpoint in paused:
            services.callback_resume(endpoint=endpoint)
        self.message_user(
            request,
            ngettext("%(n)d callback resumed.", "%(n)d callbacks resumed.", len(paused)) % {"n": len(paused)},
            messages.SUCCESS,
        )
