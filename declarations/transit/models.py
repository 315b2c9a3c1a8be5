"""After release and before departure: arrival (CEB507), waybill summaries (CEB607), and the
e-commerce enterprises' choice to have their stored lists declared when the parcel is collected.

A declared list is frozen (a PostgreSQL trigger refuses changes to its declared columns), so
what happens to it here is kept beside it (``ListTransit``), never written into it.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registration.models import Enterprise

MONEY = {"max_digits": 19, "decimal_places": 5}


class AutoDeclaration(models.Model):
    """An e-commerce enterprise's choice: a stored list is declared when its waybill arrives.

    The documents: the platform "activates the temporarily stored list based on the parcel
    collection and delivery information sent by the logistics company".
    """

    enterprise = models.OneToOneField(
        Enterprise, primary_key=True, on_delete=models.CASCADE, related_name="auto_declaration"
    )
    enabled = models.BooleanField(_("declare stored lists when the parcel is collected"), default=False)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("declaration on collection")
        verbose_name_plural = _("declaration on collection")

    def __str__(self) -> str:
        return str(self.enterprise)


class ArrivalRequiredCustoms(models.Model):
    """An exit customs office (4-digit code) where a list departs only after it has arrived at
    the supervision site (CEB507). Offices not listed here do not require arrival."""

    customs_code = models.CharField(_("exit customs code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("exit customs requiring arrival")
        verbose_name_plural = _("exit customs requiring arrival")
        ordering = ["customs_code"]

    def __str__(self) -> str:
        return f"{self.customs_code} {self.name}".strip()


class Arrival(models.Model):
    """CEB507 arrival report of a logistics enterprise. Key: (logisticsCode, copNo)."""

    guid = models.CharField(max_length=36)
    app_time = models.CharField(max_length=14)
    customs_code = models.CharField(max_length=4)
    cop_no = models.CharField(max_length=30)
    operator_code = models.CharField(_("supervision site operator"), max_length=18)
    operator_name = models.CharField(max_length=100)
    loct_no = models.CharField(_("supervision site"), max_length=10, blank=True)
    logistics_code = models.CharField(max_length=18)
    logistics_name = models.CharField(max_length=100)
    logistics_enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    traf_mode = models.CharField(max_length=1)
    bill_no = models.CharField(max_length=37, blank=True)
    domestic_traf_no = models.CharField(max_length=100)
    arrived_at = models.DateTimeField(_("arrived"))
    lines = models.JSONField(default=list)  # [{"logisticsNo", "totalPackageNo"}] as sent
    note = models.CharField(max_length=1000, blank=True)
    sender = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("arrival report")
        verbose_name_plural = _("arrival reports")
        constraints = [
            models.UniqueConstraint(fields=["logistics_enterprise", "cop_no"], name="arrival_unique_cop_no")
        ]

    def __str__(self) -> str:
        return self.cop_no


class WaybillSummary(models.Model):
    """CEB607 waybill summary (清单总分单): released lists grouped into total packages under a
    bill of lading. Key: (logisticsCode, copNo)."""

    guid = models.CharField(max_length=36)
    app_time = models.CharField(max_length=14)
    customs_code = models.CharField(max_length=4)
    cop_no = models.CharField(max_length=30)
    agent_code = models.CharField(max_length=18)
    agent_name = models.CharField(max_length=100)
    loct_no = models.CharField(max_length=10, blank=True)
    traf_mode = models.CharField(max_length=1)
    traf_name = models.CharField(max_length=100)
    voyage_no = models.CharField(max_length=32)
    bill_no = models.CharField(_("bill of lading"), max_length=37)
    domestic_traf_no = models.CharField(max_length=100, blank=True)
    gross_weight = models.DecimalField(**MONEY, default=Decimal(0))
    logistics_code = models.CharField(max_length=18)
    logistics_name = models.CharField(max_length=100)
    logistics_enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    lines = models.JSONField(default=list)  # [{"logisticsNo", "totalPackageNo", "invtNo"}] as sent
    note = models.CharField(max_length=1000, blank=True)
    sender = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("waybill summary")
        verbose_name_plural = _("waybill summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["logistics_enterprise", "cop_no"], name="waybillsummary_unique_cop_no"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bill_no} ({self.cop_no})"


class ListTransit(models.Model):
    """Where a released list stands on its way out: its total package and bill (CEB607), its
    arrival at the supervision site (CEB507)."""

    inventory = models.OneToOneField(
        "declarations.Inventory", primary_key=True, on_delete=models.CASCADE, related_name="transit"
    )
    # copied from the list (its logistics enterprise scopes the package numbers)
    logistics_enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    waybill_summary = models.ForeignKey(
        WaybillSummary, null=True, blank=True, on_delete=models.SET_NULL, related_name="lists"
    )
    bill_no = models.CharField(_("bill of lading"), max_length=37, blank=True)
    total_package_no = models.CharField(_("total package"), max_length=60, blank=True)
    arrival = models.ForeignKey(
        Arrival, null=True, blank=True, on_delete=models.SET_NULL, related_name="lists"
    )
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)

    class Meta:
        verbose_name = _("list in transit")
        verbose_name_plural = _("lists in transit")
        indexes = [
            models.Index(
                fields=["logistics_enterprise", "total_package_no"],
                condition=~models.Q(total_package_no=""),
                name="listtransit_package_idx",
            )
        ]

    def __str__(self) -> str:
        return str(self.inventory_id)


class TradeDocument(models.Model):
    """The document a 9710 (B2B direct export) or 9810 (export to an overseas warehouse) list
    carries besides the list itself: the B2B contract or the overseas warehouse's reference.
    The CEB603 has no field for it: the e-commerce enterprise records it on the list's page."""

    inventory = models.OneToOneField(
        "declarations.Inventory", primary_key=True, on_delete=models.CASCADE, related_name="trade_document"
    )
    reference = models.CharField(_("reference"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("trade-mode document")
        verbose_name_plural = _("trade-mode documents")

    def __str__(self) -> str:
        return self.reference
