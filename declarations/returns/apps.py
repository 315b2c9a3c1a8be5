from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    """Returns of exported parcels (CEB213) and their effect on the monthly summary."""

    name = "declarations.returns"
    label = "returns"
    verbose_name = _("Returns of exported goods")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(ensure_return_reviewer_permissions, sender=self)


# Customs reviewers decide returns (accept or reject, through the services) and read the notes
# an accepted return leaves on a declared summary form.
RETURN_REVIEWER_PERMISSIONS = [
    "view_inventoryreturn",
    "change_inventoryreturn",
    "view_inventoryreturnline",
    "view_inventoryreturnhistory",
    "view_summaryamendment",
]


def ensure_return_reviewer_permissions(sender, using="default", **kwargs):
    from customs_portal.permissions import staff_role_grant

    staff_role_grant(role="reviewer", app_label="returns", codenames=RETURN_REVIEWER_PERMISSIONS, using=using)
