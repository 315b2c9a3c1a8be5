from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "declarations.channels"
    label = "channels"
    verbose_name = _("Risk and channels")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(ensure_risk_officer_permissions, sender=self)


# Risk officers keep the rules, the inspection rate and the exchange rates, and decide on the
# red-channel queue and on pulling released lists back (domain: "risk officers set inspection
# rates and move goods between channels"). Nobody else gets these screens.
RISK_OFFICER_PERMISSIONS = [
    "view_riskrule",
    "add_riskrule",
    "change_riskrule",
    "delete_riskrule",
    "view_inspectionsetting",
    "add_inspectionsetting",
    "view_exchangerate",
    "add_exchangerate",
    "change_exchangerate",
    "view_channeldecision",
    "view_redlist",
    "change_redlist",
    "view_releasedlist",
    "change_releasedlist",
]


def ensure_risk_officer_permissions(sender, using="default", **kwargs):
    from customs_portal.permissions import staff_role_grant

    staff_role_grant(
        role="risk_officer", app_label="channels", codenames=RISK_OFFICER_PERMISSIONS, using=using
    )
