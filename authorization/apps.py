from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuthorizationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "authorization"
    verbose_name = _("Declaration authorizations")

    def ready(self):
        from registration.signals import enterprise_name_changed

        from . import receivers

        enterprise_name_changed.connect(
            receivers.on_enterprise_name_changed, dispatch_uid="authorization_party_renamed"
        )
        post_migrate.connect(ensure_authorization_review_permissions, sender=self)


# Customs reviewers decide authorizations and change requests and read their documents.
AUTHORIZATION_REVIEWER_PERMISSIONS = [
    "view_authorization",
    "change_authorization",
    "view_authorizationhistory",
    "view_authorizationchange",
    "change_authorizationchange",
    "view_authorizationdocument",
]


def ensure_authorization_review_permissions(sender, using="default", **kwargs):
    from customs_portal.permissions import staff_role_grant

    staff_role_grant(
        role="reviewer", app_label="authorization", codenames=AUTHORIZATION_REVIEWER_PERMISSIONS, using=using
    )
