from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Casework")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import labels

        labels.translate_model_labels()
        labels.translate_admin_columns()
        labels.translate_otp_admins()
        labels.translate_boolean_icons()
        post_migrate.connect(ensure_casework_permissions, sender=self)


# Every customs role works cases: reviewers and risk officers read a case's notes and
# assignment history on the case's own page (the case's permissions decide who sees the case).
CASEWORK_PERMISSIONS = ["view_caseassignment", "view_caseevent", "view_casenote"]


def ensure_casework_permissions(sender, using="default", **kwargs):
    from customs_portal.permissions import staff_role_grant

    for role in ("reviewer", "risk_officer"):
        staff_role_grant(role=role, app_label="casework", codenames=CASEWORK_PERMISSIONS, using=using)
