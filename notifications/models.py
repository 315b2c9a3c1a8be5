from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from customs_portal import texts


class Notification(models.Model):
    """One message in a user's notification centre (the header shows the unread count).

    ``title`` and ``body`` are stored texts (customs_portal.texts): a message id with its
    parameters, rendered in the reader's language when read or sent. Rows written before that
    hold plain text (a JSON string), shown as it was.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    enterprise = models.ForeignKey(
        "registration.Enterprise",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=50)
    title = models.JSONField(_("title"))
    body = models.JSONField(_("message"), blank=True, default=str)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return texts.render(self.title)
