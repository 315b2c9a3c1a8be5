from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SummariesConfig(AppConfig):
    name = "declarations.summaries"
    label = "summaries"
    verbose_name = _("Monthly summary declarations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(ensure_summary_reviewer_permissions, sender=self)


# Customs reviewers work the queue of submitted forms (accept with the declaration number or
# return with a reason, through the services) and read the month's statistics.
SUMMARY_REVIEWER_PERMISSIONS = [
    "view_summaryform",
    "change_summaryform",
    "view_summaryline",
    "view_summaryformhistory",
    "view_summarystatistic",
]


def ensure_summary_reviewer_permissions(sender, using="default", **kwargs):
    from customs_portal.permissions import staff_role_grant

    staff_role_grant(
        role="reviewer", app_label="summaries", codenames=SUMMARY_REVIEWER_PERMISSIONS, using=using
    )
