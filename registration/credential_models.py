"""What sign-in and recovery keep beyond Django's own tables (registration.credentials writes them)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserSession(models.Model):
    """One signed-in session of a user: written when the user signs in, so that a password
    change or reset ends that user's other sessions by key, without scanning every session."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        indexes = [models.Index(fields=["user"], name="registration_session_user")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.session_key[:6]}…"


class EnterpriseSecurity(models.Model):
    """An enterprise's sign-in policy, set by its administrator."""

    enterprise = models.OneToOneField(
        "registration.Enterprise", primary_key=True, on_delete=models.CASCADE, related_name="security"
    )
    require_two_factor = models.BooleanField(_("every user signs in with a second factor"), default=False)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("sign-in policy")
        verbose_name_plural = _("sign-in policies")

    def __str__(self) -> str:
        return str(self.enterprise_id)
