from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    """Tax-related goods: export duty rates, duty declaration forms, tax bills and their payment."""

    name = "declarations.duties"
    label = "duties"
    verbose_name = _("Export duties")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import tasks  # noqa: F401 - the re-query task (customs_portal.celery lists apps)

        post_migrate.connect(ensure_duty_permissions, sender=self)


# Risk officers keep the duty rate table beside the exchange rates; reviewers read the duty
# forms and work the queue of unpaid and overdue tax bills; nobody edits a bill or a payment
# by hand (a bill is paid only on the provider's confirmation).
RISK_OFFICER_PERMISSIONS = ["view_dutyrate", "add_dutyrate", "change_dutyrate"]
REVIEWER_PERMISSIONS = [
    "view_dutyrate",
    "view_dutyform",
    "view_dutyline",
    "view_dutyformhistory",
    "view_taxbill",
    "view_unpaidtaxbill",
    "view_paymentattempt",
    "view_paymentcallback",
]


def ensure_duty_permissions(sender, using="default", **kwargs):
    from customs_portal.permissions import staff_role_grant

    staff_role_grant(role="risk_officer", app_label="duties", codenames=RISK_OFFICER_PERMISSIONS, using=using)
    staff_role_grant(role="reviewer", app_label="duties", codenames=REVIEWER_PERMISSIONS, using=using)
