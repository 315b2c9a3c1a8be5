"""Reviewers read codes with their names; the tables themselves are browsable, read-only
(an edition is loaded by ops with ``load_code_tables``, never edited by hand)."""

from django.contrib import admin
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from customs_portal.templatetags.customs_codes import customs_code

from .models import CustomsCode


def code_display(field: str, table: str, description):
    """An admin column / read-only field showing ``obj.<field>`` as "303 英国"."""

    def display(self, obj):
        return customs_code(getattr(obj, field, ""), table)

    display.short_description = description
    display.admin_order_field = field
    display.__name__ = f"{field}_named"
    return display


@admin.register(CustomsCode)
class CustomsCodeAdmin(admin.ModelAdmin):
    # the list reads in the reviewer's language; a code's page shows both names
    list_display = ["table", "code", "name", "valid_from", "valid_to", "edition"]
    list_filter = ["table", "edition"]
    search_fields = ["code", "name_zh", "name_en"]
    readonly_fields = ["table", "code", "name_zh", "name_en", "valid_from", "valid_to", "edition"]

    @admin.display(description=_("name"), ordering="name_zh")
    def name(self, obj):
        chinese = (translation.get_language() or "").lower().startswith("zh")
        return obj.name_zh if chinese or not obj.name_en else obj.name_en

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
