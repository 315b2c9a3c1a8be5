from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self):
        post_migrate.connect(ensure_staff_permissions, sender=self)


def ensure_staff_permissions(sender, using="default", **kwargs):
    """Reviewers and ops may look at what reminders went out."""
    from django.contrib.auth.models import Group, Permission

    from customs_portal.permissions import STAFF_ROLES

    perms = list(
        Permission.objects.using(using).filter(content_type__app_label="reminders", codename="view_reminder")
    )
    for role in ("reviewer", "ops"):
        group, _created = Group.objects.using(using).get_or_create(name=STAFF_ROLES[role])
        group.permissions.add(*perms)
