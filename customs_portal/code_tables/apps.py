from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodeTablesConfig(AppConfig):
    name = "customs_portal.code_tables"
    label = "code_tables"
    verbose_name = _("Customs code tables")
    default_auto_field = "django.db.models.BigAutoField"
