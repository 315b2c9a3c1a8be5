from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """CEB receipts for the enterprises: kept for polling, pushed to their callback URLs."""

    name = "declarations.exchange"
    label = "exchange"
    verbose_name = _("Receipts and callbacks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import tasks  # noqa: F401 - the receipts queue's tasks (customs_portal.celery lists apps)

        post_migrate.connect(ensure_ops_permissions, sender=self)


# Ops staff watch the enterprises' callback endpoints and resume the paused ones.
OPS_PERMISSIONS = ["view_callbackendpoint", "change_callbackendpoint"]


def ensure_ops_permissions(sender, using="default", **kwargs):
    from customs_portal.permissions import staff_role_grant

    staff_role_grant(role="ops", app_label="exchange", codenames=OPS_PERMISSIONS, using=using)
