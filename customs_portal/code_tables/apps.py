from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CodeTablesConfig(AppConfig):
    name = "customs_portal.code_tables"
    label = "code_tables"
    verbose_name = _("Customs code tables")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(ensure_staff_permissions, sender=self)


def ensure_staff_permissions(sender, using="default", **kwargs):
    """Every customs staff role may look a code up; nobody edits the tables by hand (ops load
    an edition with ``load_code_tables``)."""
    from customs_portal.permissions import STAFF_ROLES, staff_role_grant

    for role in STAFF_ROLES:
        staff_role_grant(role=role, app_label="code_tables", codenames=["view_customscode"], using=using)
