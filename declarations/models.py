"""Cross-border e-commerce retail export: goods, electronic data, declaration lists.

Field names follow China Customs' CEB messages (2022-05 schema) in snake_case: ``ebc_code`` is
``ebcCode`` and so on. Party codes are kept as sent (10-digit customs code or 18-character
USCC) and resolved to the enterprise at intake (``*_enterprise``), so that rules and merges
compare enterprises, not spellings of their codes.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from customs_portal import texts
from customs_portal.models import StatusHistory
from registration.models import Enterprise

MONEY = {"max_digits": 19, "decimal_places": 5}


class GoodsStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting customs review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Goods(models.Model):
    """An enterprise's registered goods: its commodity code is fixed before any data is sent."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="goods")
    item_no = models.CharField(_("item number"), max_length=30)
    name = models.CharField(_("name"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    gcode = models.CharField(_("commodity code (10 digits)"), max_length=10)
    unit = models.CharField(_("declared unit"), max_length=3)
    unit1 = models.CharField(_("legal unit"), max_length=3)
    licence = models.BooleanField(_("under licence management"), default=False)
    export_duty = models.BooleanField(_("subject to export duty"), default=False)
    export_rebate = models.BooleanField(_("export tax rebate"), default=False)
    status = FSMField(
        _("status"), max_length=20, choices=GoodsStatus.choices, default=GoodsStatus.PENDING, protected=True
    )
    review_reason = models.TextField(_("review reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("goods")
        verbose_name_plural = _("goods")
        constraints = [models.UniqueConstraint(fields=["enterprise", "item_no"], name="goods_unique_item_no")]
        ordering = ["enterprise", "item_no"]

    def __str__(self) -> str:
        return f"{self.item_no} {self.name}"

    @property
    def is_editable(self) -> bool:
        """The enterprise may change its goods until customs approves them."""
        return self.status in (GoodsStatus.PENDING, GoodsStatus.REJECTED)

    # --- state machine (goods register) ----------------------------------------------
    @transition(field=status, source=GoodsStatus.PENDING, target=GoodsStatus.APPROVED)
    def approve(self):
        """A customs reviewer accepted the goods and their commodity code."""

    @transition(field=status, source=GoodsStatus.PENDING, target=GoodsStatus.REJECTED)
    def reject(self):
        """A customs reviewer refused the goods, with a reason."""

    @transition(field=status, source=GoodsStatus.REJECTED, target=GoodsStatus.PENDING)
    def resubmit(self):
        """The enterprise corrected rejected goods: back to review."""


class GoodsHistory(StatusHistory):
    SUBJECT_FIELD = "goods"
    STATUS_CHOICES = GoodsStatus
    goods = models.ForeignKey(Goods, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("goods history entry")
        verbose_name_plural = _("goods history")


class ReceivedMessage(models.Model):
    """A signed CEB message kept as received (the signature is kept, not verified)."""

    sender = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20)
    guid = models.CharField(max_length=36, blank=True)
    signed = models.BooleanField(default=False)
    raw = models.TextField()
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("received message")
        verbose_name_plural = _("received messages")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.guid}"


class Order(models.Model):
    """CEB303 order, sent by the e-commerce enterprise or platform. Key: (ebp, orderNo)."""

    guid = models.CharField(max_length=36)
    app_time = models.CharField(max_length=14)
    order_type = models.CharField(max_length=1, default="E")
    order_no = models.CharField(max_length=60)
    ebp_code = models.CharField(max_length=18)
    ebp_name = models.CharField(max_length=100)
    ebc_code = models.CharField(max_length=18)
    ebc_name = models.CharField(max_length=100)
    ebp_enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    ebc_enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    goods_value = models.DecimalField(**MONEY)
    freight = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    note = models.CharField(max_length=1000, blank=True)
    sender = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ebp_enterprise", "order_no"], name="order_unique_ebp_order_no")
        ]

    def __str__(self) -> str:
        return self.order_no


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    gnum = models.PositiveIntegerField()
    item_no = models.CharField(max_length=30)
    item_name = models.CharField(max_length=250)
    item_describe = models.CharField(max_length=1000, blank=True)
    bar_code = models.CharField(max_length=50, blank=True)
    unit = models.CharField(max_length=3)
    currency = models.CharField(max_length=3)
    qty = models.DecimalField(**MONEY)
    price = models.DecimalField(**MONEY)
    total_price = models.DecimalField(**MONEY)
    note = models.CharField(max_length=1000, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "gnum"], name="orderline_unique_gnum")]
        ordering = ["order", "gnum"]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.gnum}"


class Payment(models.Model):
    """CEB403 receipt (payment record), sent by the payment enterprise. Key: orderNo (per ebp)."""

    guid = models.CharField(max_length=36)
    app_time = models.CharField(max_length=14)
    ebp_code = models.CharField(max_length=18)
    ebp_name = models.CharField(max_length=100)
    ebc_code = models.CharField(max_length=18)
    ebc_name = models.CharField(max_length=100)
    ebp_enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    ebc_enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    order_no = models.CharField(max_length=60)
    pay_code = models.CharField(max_length=18, blank=True)
    pay_name = models.CharField(max_length=100)
    pay_enterprise = models.ForeignKey(Enterprise, null=True, on_delete=models.PROTECT, related_name="+")
    pay_no = models.CharField(max_length=60, blank=True)
    charge = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    accounting_date = models.CharField(max_length=14)
    note = models.CharField(max_length=1000, blank=True)
    sender = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ebp_enterprise", "order_no"], name="payment_unique_ebp_order_no")
        ]

    def __str__(self) -> str:
        return self.order_no


class Waybill(models.Model):
    """CEB505 waybill, sent by the logistics enterprise. Key: (logisticsCode, logisticsNo)."""

    guid = models.CharField(max_length=36)
    app_time = models.CharField(max_length=14)
    logistics_code = models.CharField(max_length=18)
    logistics_name = models.CharField(max_length=100)
    logistics_enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    logistics_no = models.CharField(max_length=32)
    freight = models.DecimalField(**MONEY)
    insured_fee = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    gross_weight = models.DecimalField(**MONEY)
    pack_no = models.PositiveIntegerField()
    goods_info = models.CharField(max_length=200)
    ebc_code = models.CharField(max_length=18, blank=True)
    ebc_name = models.CharField(max_length=100, blank=True)
    ebc_telephone = models.CharField(max_length=50, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    sender = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["logistics_enterprise", "logistics_no"], name="waybill_unique_logistics_no"
            )
        ]

    def __str__(self) -> str:
        return self.logistics_no


class InventoryStatus(models.TextChoices):
    STORED = "stored", _("Temporarily stored")
    DECLARED = "declared", _("Declared, waiting for documents")
    RETURNED = "returned", _("Returned")
    UNDER_REVIEW = "under_review", _("Red channel: on-site review")
    RELEASED = "released", _("Released")
    REJECTED = "rejected", _("Rejected")
    DEPARTED = "departed", _("Departed")
    CANCELLED = "cancelled", _("Cancelled")


class Channel(models.TextChoices):
    NONE = "", _("Not assigned")
    GREEN = "green", _("Green")
    RED = "red", _("Red")


# the parties whose lists a trader sees in the browser (selectors.PAGE_PARTIES), short names
_PAGE_PARTIES = (
    ("ebc_enterprise", "ebc"),
    ("agent_enterprise", "agent"),
    ("owner_enterprise", "owner"),
    ("ebp_enterprise", "ebp"),
)


class Inventory(FSMModelMixin, models.Model):
    """CEB603 declaration list (one per parcel). Key: (agent, copNo).

    Once declared (app_status 2) it is law-enforcement data: the declared columns never
    change (the service refuses; on PostgreSQL a trigger refuses too), only status fields move.
    """

    guid = models.CharField(max_length=36)
    app_time = models.CharField(max_length=14)
    app_status = models.CharField(max_length=1)  # 1 temporarily stored, 2 declared
    customs_code = models.CharField(max_length=4)
    ebp_code = models.CharField(max_length=18)
    ebp_name = models.CharField(max_length=100)
    order_no = models.CharField(max_length=60, db_index=True)
    logistics_code = models.CharField(max_length=18)
    logistics_name = models.CharField(max_length=100)
    logistics_no = models.CharField(max_length=32, db_index=True)
    cop_no = models.CharField(max_length=30)
    pre_no = models.CharField(max_length=18, blank=True)
    invt_no = models.CharField(max_length=20, null=True, blank=True, unique=True)
    ie_flag = models.CharField(max_length=1, default="E")
    port_code = models.CharField(max_length=4)  # exit customs
    ie_date = models.CharField(max_length=8)
    statistics_flag = models.CharField(max_length=1)  # A summary statistics, B summary declaration
    agent_code = models.CharField(max_length=18)
    agent_name = models.CharField(max_length=100)
    ebc_code = models.CharField(max_length=18)  # consignor
    ebc_name = models.CharField(max_length=100)
    owner_code = models.CharField(max_length=18)  # production and sales unit
    owner_name = models.CharField(max_length=100)
    iac_code = models.CharField(max_length=18, blank=True)
    iac_name = models.CharField(max_length=100, blank=True)
    ems_no = models.CharField(max_length=30, blank=True)
    trade_mode = models.CharField(max_length=4)
    traf_mode = models.CharField(max_length=1)
    traf_name = models.CharField(max_length=100, blank=True)
    voyage_no = models.CharField(max_length=32, blank=True)
    bill_no = models.CharField(max_length=37, blank=True)
    total_package_no = models.CharField(max_length=37, blank=True)
    loct_no = models.CharField(max_length=10, blank=True)
    license_no = models.CharField(max_length=19, blank=True)
    country = models.CharField(max_length=3)  # country of arrival
    pod = models.CharField(max_length=4)
    freight = models.DecimalField(**MONEY)
    f_currency = models.CharField(max_length=3)
    f_flag = models.CharField(max_length=1)
    insured_fee = models.DecimalField(**MONEY)
    i_currency = models.CharField(max_length=3)
    i_flag = models.CharField(max_length=1)
    wrap_type = models.CharField(max_length=1)
    pack_no = models.PositiveIntegerField()
    gross_weight = models.DecimalField(**MONEY)
    net_weight = models.DecimalField(**MONEY)
    note = models.CharField(max_length=1000, blank=True)

    # the party columns the trader's pages read lead the composite indexes below, which serve
    # their foreign keys too: no separate one-column index on each
    ebp_enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", db_index=False)
    ebc_enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="inventories", db_index=False
    )
    agent_enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    owner_enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    logistics_enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    sender = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")

    # status fields: the only ones that move after declaration
    status = FSMField(
        _("status"),
        max_length=20,
        choices=InventoryStatus.choices,
        default=InventoryStatus.STORED,
        protected=True,
    )
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices, blank=True, default="")
    return_reasons = models.JSONField(_("reasons"), default=list, blank=True)
    total_value = models.DecimalField(**MONEY, default=0)  # sum of the lines' totalPrice
    received_at = models.DateTimeField(auto_now_add=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True, db_index=True)
    departed_at = models.DateTimeField(null=True, blank=True)  # the departure's leaveTime
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("declaration list")
        verbose_name_plural = _("declaration lists")
        constraints = [
            models.UniqueConstraint(
                fields=["agent_enterprise", "cop_no"], name="inventory_unique_agent_cop_no"
            )
        ]
        indexes = [
            models.Index(fields=["ebc_enterprise", "status", "released_at"], name="inventory_summary_idx"),
            models.Index(fields=["ebp_enterprise", "order_no"], name="inventory_order_idx"),
            # the trader's list page: per party and status, newest first (selectors.inventory_page)
            *(
                models.Index(
                    fields=[party, "status", "-received_at", "-id"], name=f"inventory_{short}_page_idx"
                )
                for party, short in _PAGE_PARTIES
            ),
            # the clearance error logs: the few returned or rejected lists, last changed first
            *(
                models.Index(
                    fields=[party, "-updated_at", "-id"],
                    condition=models.Q(status__in=["returned", "rejected"]),
                    name=f"inventory_{short}_errors_idx",
                )
                for party, short in (*_PAGE_PARTIES, ("sender", "sender"))
            ),
        ]

    def __str__(self) -> str:
        return self.invt_no or self.cop_no

    # The allowed moves, in one place (domain: cross-border export, items 3-6). The services
    # run them through customs_portal.fsm.run_transition (locked row, one history entry).
    @transition(field=status, source=InventoryStatus.STORED, target=InventoryStatus.DECLARED)
    def declare(self):
        """appStatus 2 arrived: the list is declared and gets its inventory number."""

    @transition(field=status, source=InventoryStatus.DECLARED, target=InventoryStatus.RETURNED)
    def return_list(self):
        """The comparison failed: returned with every reason, field by field."""

    @transition(
        field=status,
        source=[InventoryStatus.DECLARED, InventoryStatus.UNDER_REVIEW],
        target=InventoryStatus.RELEASED,
    )
    def release(self):
        """Green channel at once, or a reviewer releases a red list."""

    @transition(
        field=status,
        source=[InventoryStatus.DECLARED, InventoryStatus.RELEASED],
        target=InventoryStatus.UNDER_REVIEW,
    )
    def send_to_review(self):
        """Red channel, or an officer pulls a green list back before it departs."""

    @transition(field=status, source=InventoryStatus.UNDER_REVIEW, target=InventoryStatus.REJECTED)
    def reject(self):
        """A reviewer rejects a red list, with a reason."""

    @transition(field=status, source=InventoryStatus.RELEASED, target=InventoryStatus.DEPARTED)
    def depart(self):
        """CEB509: the parcel has left the country."""

    @transition(
        field=status,
        source=[
            InventoryStatus.DECLARED,
            InventoryStatus.RETURNED,
            InventoryStatus.UNDER_REVIEW,
            InventoryStatus.RELEASED,
        ],
        target=InventoryStatus.CANCELLED,
    )
    def cancel(self):
        """A CEB605 cancel request a reviewer approved (never after departure)."""


class InventoryLine(models.Model):
    inventory = models.ForeignKey(Inventory, on_delete=models.CASCADE, related_name="lines")
    gnum = models.PositiveIntegerField()
    item_no = models.CharField(max_length=20)
    item_record_no = models.CharField(max_length=30, blank=True)
    item_name = models.CharField(max_length=250, blank=True)
    gcode = models.CharField(max_length=10)
    gname = models.CharField(max_length=250)
    gmodel = models.CharField(max_length=250)
    bar_code = models.CharField(max_length=50)
    country = models.CharField(max_length=3)  # final destination country
    currency = models.CharField(max_length=3)
    qty = models.DecimalField(**MONEY)
    qty1 = models.DecimalField(**MONEY)
    qty2 = models.DecimalField(**MONEY, null=True, blank=True)
    unit = models.CharField(max_length=3)
    unit1 = models.CharField(max_length=3)
    unit2 = models.CharField(max_length=3, blank=True)
    price = models.DecimalField(**MONEY)
    total_price = models.DecimalField(**MONEY)
    note = models.CharField(max_length=1000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inventory", "gnum"], name="inventoryline_unique_gnum")
        ]
        ordering = ["inventory", "gnum"]

    def __str__(self) -> str:
        return f"{self.inventory_id}/{self.gnum}"


class InventoryHistory(StatusHistory):
    SUBJECT_FIELD = "inventory"
    STATUS_CHOICES = InventoryStatus
    inventory = models.ForeignKey(Inventory, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("declaration list history entry")
        verbose_name_plural = _("declaration list history")


class IntakeRejection(models.Model):
    """An entry (or a whole message) refused at intake: the only trace it leaves.

    The sender reads these in its clearance error log.
    """

    sender = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20)  # order, payment, ..., or "message"
    key = models.CharField(_("key"), max_length=60, blank=True)
    guid = models.CharField(max_length=36, blank=True)
    # a stored text (customs_portal.texts), read in each reader's language; rows written
    # before hold the text as it was
    reason = texts.StoredTextField(_("reason"))
    payload = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("refused intake entry")
        verbose_name_plural = _("refused intake entries")
        ordering = ["-created_at", "-id"]
        # the clearance error log reads a sender's rejections newest first, a page at a time
        indexes = [models.Index(fields=["sender", "-created_at", "-id"], name="intakerejection_page_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key or self.guid}"

    def reason_text(self) -> str:
        return texts.render(self.reason)

    reason_text.short_description = _("reason")


class InventoryNumberCounter(models.Model):
    """The last serial handed out per exit customs and year (inventory number: 2244 2026 E 000000001)."""

    customs_code = models.CharField(max_length=4)
    year = models.PositiveIntegerField()
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customs_code", "year"], name="inventorynumber_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.customs_code}{self.year}E{self.last:09d}"


class Departure(models.Model):
    """CEB509 departure report of a logistics enterprise. Key: (logisticsCode, copNo)."""

    guid = models.CharField(max_length=36)
    app_time = models.CharField(max_length=14)
    customs_code = models.CharField(max_length=4)
    cop_no = models.CharField(max_length=30)
    logistics_code = models.CharField(max_length=18)
    logistics_name = models.CharField(max_length=100)
    logistics_enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    traf_mode = models.CharField(max_length=1)
    leave_time = models.DateTimeField()
    logistics_nos = models.JSONField(default=list)
    note = models.CharField(max_length=1000, blank=True)
    sender = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("departure report")
        verbose_name_plural = _("departure reports")
        constraints = [
            models.UniqueConstraint(fields=["logistics_enterprise", "cop_no"], name="departure_unique_cop_no")
        ]

    def __str__(self) -> str:
        return self.cop_no


class CancelStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting customs decision")
    APPROVED = "approved", _("Cancelled")
    REFUSED = "refused", _("Refused")


class InventoryCancelRequest(models.Model):
    """CEB605: a request to cancel a declared list; a customs reviewer decides it."""

    inventory = models.ForeignKey(Inventory, on_delete=models.PROTECT, related_name="cancel_requests")
    guid = models.CharField(max_length=36)
    app_time = models.CharField(max_length=14)
    cop_no = models.CharField(_("enterprise's list number"), max_length=30)
    invt_no = models.CharField(_("inventory number"), max_length=20)
    reason = models.CharField(_("reason for cancelling"), max_length=1000)
    sender = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=CancelStatus.choices, default=CancelStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reviewer's reason"), blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("cancellation request")
        verbose_name_plural = _("cancellation requests")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inventory"],
                condition=models.Q(status="pending"),
                name="cancelrequest_one_pending_per_list",
            )
        ]

    def __str__(self) -> str:
        return f"{self.invt_no} ({self.get_status_display()})"
