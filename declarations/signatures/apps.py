from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    """The certificates enterprises sign CEB messages with, and the check of each signature."""

    name = "declarations.signatures"
    label = "signatures"
    verbose_name = _("Message signatures")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(ensure_reviewer_permissions, sender=self)


def ensure_reviewer_permissions(sender, using="default", **kwargs):
    from customs_portal.permissions import staff_role_grant

    staff_role_grant(
        role="reviewer",
        app_label="signatures",
        codenames=["view_enterprisecertificate", "view_signaturesetting"],
        using=using,
    )
