from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TransitConfig(AppConfig):
    """The parcel's way out after release: declared on collection, waybill summaries (CEB607),
    arrival at the supervision site (CEB507), and which exit customs require arrival."""

    name = "declarations.transit"
    label = "transit"
    verbose_name = _("Collection, arrival and total packages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(ensure_staff_permissions, sender=self)


READ = ["view_arrival", "view_waybillsummary", "view_listtransit", "view_tradedocument"]
# reviewers keep the enterprises' settings; ops keep the table of exit customs requiring arrival
REVIEWER_PERMISSIONS = [
    *READ,
    "view_autodeclaration",
    "add_autodeclaration",
    "change_autodeclaration",
    "view_arrivalrequiredcustoms",
]
OPS_PERMISSIONS = [
    *READ,
    "view_arrivalrequiredcustoms",
    "add_arrivalrequiredcustoms",
    "change_arrivalrequiredcustoms",
    "delete_arrivalrequiredcustoms",
]


def ensure_staff_permissions(sender, using="default", **kwargs):
    from customs_portal.permissions import staff_role_grant

    staff_role_grant(role="reviewer", app_label="transit", codenames=REVIEWER_PERMISSIONS, using=using)
    staff_role_grant(role="ops", app_label="transit", codenames=OPS_PERMISSIONS, using=using)
