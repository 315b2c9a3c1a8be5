from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "declarations.inbox"
    label = "inbox"
    verbose_name = _("Intake inbox")

    def ready(self):
        # customs_portal.celery autodiscovers a fixed list of apps: register the tasks here
        from . import tasks  # noqa: F401
