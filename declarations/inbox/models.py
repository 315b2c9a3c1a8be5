"""Messages received with ``Prefer: respond-async``, kept as received until a worker runs them.

One row per accepted message, written in one insert on the request path: the raw body (CEB XML
or the JSON ``{"entries": [...]}`` as sent), the kind and the sender. A worker on the
``intake`` queue takes received rows in batches, runs them through the same intake as the
synchronous path (``declarations.intake.intake_entries``) and writes the receipts here, in the
transaction that wrote the entries: a row is ``done`` exactly when its entries are.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KIND_CHOICES = [
    ("order", _("Order (CEB303)")),
    ("payment", _("Payment (CEB403)")),
    ("waybill", _("Waybill (CEB505)")),
    ("inventory", _("Declaration list (CEB603)")),
    ("cancel", _("Cancellation (CEB605)")),
    ("departure", _("Departure (CEB509)")),
    ("waybill_summary", _("Waybill summary (CEB607)")),
    ("arrival", _("Arrival (CEB507)")),
    ("refund", _("Return (CEB213)")),
]


class InboxStatus(models.TextChoices):
    RECEIVED = "received", _("Received, waiting to be processed")
    DONE = "done", _("Processed")
    FAILED = "failed", _("Failed")


class InboxFormat(models.TextChoices):
    XML = "xml", "CEB XML"
    JSON = "json", "JSON"


class InboxMessage(models.Model):
    guid = models.UUIDField(_("guid"), default=uuid.uuid4, unique=True, editable=False)
    sender = models.ForeignKey(
        "registration.Enterprise",
        on_delete=models.PROTECT,
        related_name="inbox_messages",
        verbose_name=_("sender"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=KIND_CHOICES)
    format = models.CharField(_("format"), max_length=4, choices=InboxFormat.choices)
    # the CEB root's guid (XML); the JSON endpoints have no message guid
    message_guid = models.CharField(_("message guid"), max_length=36, blank=True)
    body = models.BinaryField(_("body as received"))  # bounded by the 10 MB request limit
    entry_count = models.PositiveIntegerField(_("entries"))
    # the language the request asked for: the receipts' texts are written in it, as the
    # synchronous answer's would be
    language = models.CharField(_("language"), max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=InboxStatus.choices, default=InboxStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    # how many times a worker took it; more than one means a worker died or failed on it
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # a worker's claim: other workers leave the row alone until then (a dead worker's rows
    # are taken again afterwards); exactly-once rests on the row lock, not on this
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    receipts = models.JSONField(_("receipts"), null=True, blank=True)  # one per entry, in order
    error = models.TextField(_("error"), blank=True)  # why it failed (for the operators)
    worker = models.CharField(_("processed by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("inbox message")
        verbose_name_plural = _("inbox messages")
        indexes = [
            # the workers' claim: the oldest received rows, skipping locked ones
            models.Index(fields=["id"], condition=Q(status="received"), name="inbox_received_idx"),
            models.Index(fields=["sender", "received_at"], name="inbox_sender_received_idx"),
        ]

    def __str__(self):
        return f"{self.kind} {self.guid}"

    @property
    def location(self) -> str:
        return f"/api/v1/messages/{self.guid}/"
