"""Customs reads each enterprise's signing certificates and whether it requires signatures."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import EnterpriseCertificate, SignatureSetting


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EnterpriseCertificate)
class EnterpriseCertificateAdmin(ReadOnly):
    list_display = ["enterprise", "subject", "serial_number", "not_before", "not_after", "valid_now"]
    search_fields = [
        "enterprise__name",
        "enterprise__customs_code",
        "subject",
        "serial_number",
        "fingerprint",
    ]
    list_select_related = ["enterprise"]
    fields = [
        "enterprise",
        "subject",
        "issuer",
        "serial_number",
        "fingerprint",
        "not_before",
        "not_after",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("valid now"), boolean=True)
    def valid_now(self, obj):
        return obj.is_valid_now


@admin.register(SignatureSetting)
class SignatureSettingAdmin(ReadOnly):
    list_display = ["enterprise", "required", "updated_at"]
    list_select_related = ["enterprise"]
    fields = ["enterprise", "required", "updated_at"]
    readonly_fields = fields
