"""Receipts (CEB return messages) kept per enterprise, and the enterprises' callback endpoints."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from registration.models import Enterprise


class ReceiptKind(models.TextChoices):
    ORDER = "order", _("Order (CEB304)")
    PAYMENT = "payment", _("Payment (CEB404)")
    WAYBILL = "waybill", _("Waybill (CEB506)")
    INVENTORY = "inventory", _("Declaration list (CEB604)")
    CANCEL = "cancel", _("Cancellation (CEB606)")
    DEPARTURE = "departure", _("Departure (CEB510)")
    WAYBILL_SUMMARY = "waybill_summary", _("Waybill summary (CEB608)")
    ARRIVAL = "arrival", _("Arrival (CEB508)")
    REFUND = "refund", _("Return (CEB214)")


class Receipt(models.Model):
    """One CEB return for one enterprise: an entry's intake answer or a later status change.

    Read in the order of ``position``, the polling cursor. A row is written without one; it
    gets its position once committed (``services.receipts_sequence``, from a sequence, in
    the order the rows became visible), so a row committed late is placed after every row a
    reader has already been given and is never skipped, whatever order the ids were taken in.
    """

    recipient = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+", db_index=False)
    position = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ReceiptKind.choices)
    guid = models.CharField(max_length=36, blank=True)  # the entry's (or the list's) guid
    key = models.CharField(_("key"), max_length=60, blank=True)  # orderNo, logisticsNo, copNo
    # accepted, duplicate, rejected (intake) or the list's / request's new status
    status = models.CharField(_("status"), max_length=20)
    return_status = models.CharField(_("CEB returnStatus"), max_length=10)
    return_info = models.CharField(_("CEB returnInfo"), max_length=1000, blank=True)
    # the return element's own fields (ebpCode, ebcCode, agentCode, copNo, invtNo, preNo...)
    fields = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        indexes = [
            models.Index(
                fields=["recipient", "position"],
                name="receipt_position_idx",
                condition=models.Q(position__isnull=False),
            ),
            # the few rows not yet given a position
            models.Index(
                fields=["id"], name="receipt_unplaced_idx", condition=models.Q(position__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} {self.return_status}"


class CallbackStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused after repeated failures")


class CallbackEndpoint(models.Model):
    """Where the portal pushes an enterprise's receipts (polling works whatever happens here).

    The secret signs every delivery (HMAC-SHA256); it is shown to the enterprise once, and kept
    here because the portal needs it to sign.
    """

    enterprise = models.OneToOneField(
        Enterprise, on_delete=models.CASCADE, related_name="callback_endpoint", verbose_name=_("enterprise")
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=CallbackStatus.choices, default=CallbackStatus.ACTIVE
    )
    failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last delivery"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # the position of the last receipt delivered (the polling cursor)
    cursor = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("callback endpoint")
        verbose_name_plural = _("callback endpoints")

    def __str__(self) -> str:
        return self.url
