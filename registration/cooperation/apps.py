from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "registration.cooperation"
    label = "cooperation"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Cooperation platform")

    def ready(self):
        from . import tasks  # noqa: F401  (registers the Celery task; the app is not autodiscovered)

        post_migrate.connect(ensure_staff_permissions, sender=self)


# Customs reviewers review annual reports, answer questions and publish notices.
REVIEWER_PERMISSIONS = [
    "view_annualreport",
    "change_annualreport",
    "view_question",
    "change_question",
    "view_questionmessage",
    "view_policynotice",
    "add_policynotice",
    "change_policynotice",
]


def ensure_staff_permissions(sender, using="default", **kwargs):
    from customs_portal.permissions import staff_role_grant

    staff_role_grant(role="reviewer", app_label="cooperation", codenames=REVIEWER_PERMISSIONS, using=using)
