"""Returns of exported goods (退货, CEB213) and the notes they leave on declared summary forms.

What the CEB 2022-05 schema carries (checked against the XSD, not the issue's wording):
- CEB213 ``InvtRefund`` (退货申请单, sent by the e-commerce enterprise or its declaring agent):
  a head ``InvtRefundHead`` (the original list ``invtNo``, the enterprise's own number
  ``coElNo``, the return waybill, ``reason``...) *and* its goods lines ``InvtRefundList``
  (``gnum`` of the original list's line, ``qty``/``qty1``/``qty2`` never above the original's);
- CEB214 ``RefundReturn``: the receipt of a CEB213;
- CEB215 ``InvtRefundDetail`` is *not* the goods lines: it is the tally detail (理货明细单) of the
  returned parcels' arrival, sent by the supervision site's operator (``operatorCode``), with
  no goods lines; CEB216 is its receipt. The portal does not take CEB215 (no rule here uses it).

A return is decided by a customs reviewer; an accepted one takes its quantities and value out of
the month's summary (``services``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from customs_portal import texts
from customs_portal.models import StatusHistory
from registration.models import Enterprise

MONEY = {"max_digits": 19, "decimal_places": 5}


class ReturnStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting customs' decision")
    ACCEPTED = "accepted", pgettext_lazy("return", "Accepted")
    REJECTED = "rejected", pgettext_lazy("return", "Rejected")


class InventoryReturn(models.Model):
    """One CEB213 return of (part of) a released or departed list. Key: (agent, coElNo)."""

    inventory = models.ForeignKey(
        "declarations.Inventory",
        verbose_name=_("declaration list"),
        on_delete=models.PROTECT,
        related_name="inventory_returns",
    )
    guid = models.CharField(max_length=36)
    app_time = models.CharField(max_length=14)
    co_el_no = models.CharField(_("enterprise's return number"), max_length=30)
    invt_no = models.CharField(_("inventory number"), max_length=20)
    ebc_enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("e-commerce enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    agent_enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("declaring enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    sender = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    logistics_no = models.CharField(_("return waybill number"), max_length=80)
    # the trader's own words (CEB213 reason), shown as sent
    reason = models.CharField(_("reason for the return"), max_length=500)
    head = models.JSONField(_("head as sent"), default=dict, blank=True)
    status = FSMField(
        _("status"), max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.PENDING, protected=True
    )
    # set when accepted: the value taken out, and whether the list is now returned in whole
    total_value = models.DecimalField(_("value returned"), **MONEY, default=0)
    completes_list = models.BooleanField(_("whole list returned"), default=False)
    decision_reason = texts.StoredTextField(_("customs' reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("goods return", "return")
        verbose_name_plural = pgettext_lazy("goods return", "returns")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agent_enterprise", "co_el_no"], name="return_unique_co_el_no"),
            # one return of a list at a time awaits customs: quantities are checked against the
            # accepted ones, and a second pending one could not be
            models.UniqueConstraint(
                fields=["inventory"], condition=models.Q(status="pending"), name="return_one_pending_per_list"
            ),
        ]
        indexes = [models.Index(fields=["inventory", "status"], name="return_inventory_idx")]

    def __str__(self) -> str:
        return f"{self.co_el_no} ({self.invt_no})"

    @transition(field=status, source=ReturnStatus.PENDING, target=ReturnStatus.ACCEPTED)
    def accept(self):
        """A reviewer accepts the return: its goods leave the month's summary."""

    @transition(field=status, source=ReturnStatus.PENDING, target=ReturnStatus.REJECTED)
    def reject(self):
        """A reviewer rejects the return, with a reason."""


class InventoryReturnLine(models.Model):
    """One returned goods line, against the original list's line (``gnum``)."""

    inventory_return = models.ForeignKey(InventoryReturn, on_delete=models.CASCADE, related_name="lines")
    inventory_line = models.ForeignKey(
        "declarations.InventoryLine", on_delete=models.PROTECT, related_name="returned"
    )
    gnum = models.PositiveIntegerField(_("line"))
    qty = models.DecimalField(_("quantity returned"), **MONEY)
    qty1 = models.DecimalField(_("legal quantity returned"), **MONEY)
    qty2 = models.DecimalField(_("second legal quantity returned"), **MONEY, null=True, blank=True)
    # the share of the original line's value (set when the return is accepted)
    total_price = models.DecimalField(_("value returned"), **MONEY, default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("returned goods line")
        verbose_name_plural = _("returned goods lines")
        ordering = ["inventory_return", "gnum"]
        constraints = [
            models.UniqueConstraint(fields=["inventory_return", "gnum"], name="returnline_unique_gnum")
        ]
        indexes = [models.Index(fields=["inventory_line"], name="returnline_line_idx")]

    def __str__(self) -> str:
        return f"{self.inventory_return_id}/{self.gnum}"


class InventoryReturnHistory(StatusHistory):
    SUBJECT_FIELD = "inventory_return"
    STATUS_CHOICES = ReturnStatus
    inventory_return = models.ForeignKey(InventoryReturn, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("return history entry")
        verbose_name_plural = _("return history")


class SummaryAmendment(models.Model):
    """An accepted return of a list that sits on a declared (no longer draft) summary form.

    A declared form is never rebuilt: the note tells the enterprise and customs what the form
    should no longer carry (quantities and value), for the amendment of the declaration.
    """

    form = models.ForeignKey(
        "summaries.SummaryForm", on_delete=models.CASCADE, related_name="amendments", verbose_name=_("form")
    )
    inventory_return = models.OneToOneField(
        InventoryReturn,
        on_delete=models.PROTECT,
        related_name="amendment",
        verbose_name=pgettext_lazy("goods return", "return"),
    )
    note = texts.StoredTextField(_("note"))
    total_value = models.DecimalField(_("value returned"), **MONEY)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("summary amendment note")
        verbose_name_plural = _("summary amendment notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.form} ← {self.inventory_return}"

    def note_text(self) -> str:
        return texts.render(self.note)

    note_text.short_description = _("note")
