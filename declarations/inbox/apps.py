from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "declarations.inbox"
    label = "inbox"
    verbose_name = _("Intake inbox")

    def ready(self):
        # customs_portal.celery autodiscovers a fixed list of apps: register the tasks here
        from . import tasks  # noqa: F401

        post_migrate.connect(ensure_staff_permissions, sender=self)


def ensure_staff_permissions(sender, using="default", **kwargs):
    """Ops watch the inbox (read only): how much waits, what failed."""
    from customs_portal.permissions import staff_role_grant

    staff_role_grant(role="ops", app_label="inbox", codenames=["view_inboxmessage"], using=using)
