from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BusinessConfig(AppConfig):
    """Customs business online: clearance error review (纠错), contacts and documents."""

    name = "registration.cooperation.business"
    label = "business"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Customs business online")

    def ready(self):
        from . import tasks  # noqa: F401  (registers the Celery task; the app is not autodiscovered)

        post_migrate.connect(ensure_staff_permissions, sender=self)


# Customs reviewers decide contests of clearance errors and read the portal's settings.
REVIEWER_PERMISSIONS = [
    "view_clearanceerrorcontest",
    "change_clearanceerrorcontest",
    "view_businesssettings",
    "view_coordinatingofficer",
    "add_coordinatingofficer",
    "change_coordinatingofficer",
    "view_enterpriseprofile",
    "add_enterpriseprofile",
    "change_enterpriseprofile",
    "view_issueddocument",
    "view_assessmentsection",
    "add_assessmentsection",
    "change_assessmentsection",
    "view_certificationapplication",
    "change_certificationapplication",
    "view_ratingchange",
    "view_helparticle",
    "add_helparticle",
    "change_helparticle",
]


def ensure_staff_permissions(sender, using="default", **kwargs):
    from customs_portal.permissions import staff_role_grant

    staff_role_grant(role="reviewer", app_label="business", codenames=REVIEWER_PERMISSIONS, using=using)
