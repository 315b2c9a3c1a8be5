from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistrationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registration"

    def ready(self):
        # The staff groups (customs reviewer, risk officer, ops) exist with their permissions
        # after every migrate, so a fresh database is ready for create_staff.
        post_migrate.connect(_ensure_staff_groups, sender=self)


def _ensure_staff_groups(sender, **kwargs):
    from .review import staff_groups_ensure

    staff_groups_ensure()
