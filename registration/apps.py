from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistrationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registration"

    def ready(self):
        # The staff groups (customs reviewer, risk officer, ops) exist with their permissions
        # after every migrate, so a fresh database is ready for create_staff.
        post_migrate.connect(_ensure_staff_groups, sender=self)
        # each sign-in keeps its session key, so a new password can end the user's other sessions
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from .credentials import _on_user_logged_in, _on_user_logged_out

        user_logged_in.connect(_on_user_logged_in, dispatch_uid="registration.session_record")
        user_logged_out.connect(_on_user_logged_out, dispatch_uid="registration.session_forget")
        # the portal switches to the user's language at sign-in
        from .languages import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="registration.user_language")


def _ensure_staff_groups(sender, **kwargs):
    from .review import staff_groups_ensure

    staff_groups_ensure()
