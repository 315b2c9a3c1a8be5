"""A case is any row a customs queue works (a registration, an authorization, a red-channel list,
a summary form, a question...), named generically by its content type and id, so that every app
(and the ones still to come) gets assignment and notes without a column of its own.

A case is keyed by its concrete model: a red-channel list and the same released list are one
case (proxies share their concrete model's content type)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

NOTE_MAX_LENGTH = 4000


class CaseAssignment(models.Model):
    """Who works a case now (one row per case; no row or no assignee: unassigned)."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("kind of case"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("case id"))
    case = GenericForeignKey("content_type", "object_id")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="caseassignment_one_per_case")
        ]
        # the queues' "assigned to me" filter and the dashboard's counts
        indexes = [models.Index(fields=["assignee", "content_type"], name="caseassignment_assignee_idx")]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} → {self.assignee or '—'}"


class CaseEvent(models.Model):
    """One change of a case's assignee: who, when, from whom to whom."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("kind of case"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("case id"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("previously assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("now assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment history entry")
        verbose_name_plural = _("assignment history")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="caseevent_case_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.from_assignee or '—'} → {self.to_assignee or '—'}"


class CaseNote(models.Model):
    """A customs-internal note on a case: read by staff only, never shown to an enterprise."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("kind of case"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("case id"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="casenote_case_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.author or '—'}"
