"""Tax-related goods (domain: cross-border export, item 5 and "Tax-related goods").

A released list whose goods carry export duty on the release day does not wait for the
monthly summary: at release it becomes a ``DutyForm`` of its own (one form per list), with one
``DutyLine`` per goods line (ad valorem duty on the line's CNY value at the release month's
exchange rate) and one ``TaxBill`` (the customs tax payment certificate) that the enterprise
pays online. The rate table (``DutyRate``) is kept by customs in the admin.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from customs_portal.models import StatusHistory
from registration.models import Enterprise

MONEY = {"max_digits": 19, "decimal_places": 5}
FEN = {"max_digits": 17, "decimal_places": 2}  # CNY amounts the tariff rounds to the fen


class DutyRate(models.Model):
    """An export duty rate for a commodity code or a code prefix, valid over a period.

    The longest prefix in force on the release day applies (a 10-digit line beats its heading).
    """

    hs_prefix = models.CharField(
        _("commodity code or prefix"),
        max_length=10,
        validators=[RegexValidator(r"^\d{4,10}$", _("Enter 4 to 10 digits."))],
        help_text=_("Matches goods lines whose 10-digit commodity code starts with these digits."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    rate = models.DecimalField(
        _("ad valorem rate"),
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("A fraction: 0.2 is 20%."),
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(
        _("effective to"), null=True, blank=True, help_text=_("Last day in force; empty: open-ended.")
    )
    source = models.CharField(_("source"), max_length=300)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("export duty rate")
        verbose_name_plural = _("export duty rates")
        ordering = ["hs_prefix", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["hs_prefix", "effective_from"], name="dutyrate_unique_start"),
            models.CheckConstraint(
                condition=models.Q(rate__gte=0) & models.Q(rate__lte=1), name="dutyrate_rate_is_a_fraction"
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="dutyrate_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hs_prefix} {self.rate:%}"

    def clean(self):
        super().clean()
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("The period ends before it starts.")})
        if self.hs_prefix and self.effective_from:
            overlapping = DutyRate.objects.filter(hs_prefix=self.hs_prefix).exclude(pk=self.pk)
            overlapping = overlapping.filter(
                models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=self.effective_from)
            )
            if self.effective_to:
                overlapping = overlapping.filter(effective_from__lte=self.effective_to)
            if overlapping.exists():
                raise ValidationError(
                    _("Another rate for this code is in force during this period: end it first.")
                )


class DutyFormStatus(models.TextChoices):
    WAITING_FOR_PAYMENT = "waiting_for_payment", _("Waiting for payment")
    PAID = "paid", _("Duty paid")
    EXEMPT = "exempt", _("Exempt (duty under the threshold)")
    VOID = "void", _("Void: the list was cancelled or rejected")


class DutyForm(models.Model):
    """The declaration form of one released list with export-duty goods."""

    inventory = models.OneToOneField(
        "declarations.Inventory",
        verbose_name=_("declaration list"),
        on_delete=models.PROTECT,
        related_name="duty_form",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("e-commerce enterprise"),
        on_delete=models.PROTECT,
        related_name="duty_forms",
    )
    released_at = models.DateTimeField(_("released"))
    rate_month = models.DateField(_("exchange-rate month"))
    customs_value = models.DecimalField(_("customs value (CNY)"), **FEN)
    duty_total = models.DecimalField(_("export duty (CNY)"), **FEN)
    status = FSMField(
        _("status"),
        max_length=30,
        choices=DutyFormStatus.choices,
        default=DutyFormStatus.WAITING_FOR_PAYMENT,
        protected=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("duty declaration form")
        verbose_name_plural = _("duty declaration forms")
        ordering = ["-released_at", "-id"]
        # the monthly summary asks "has this consignor any duty list in the month?"
        indexes = [models.Index(fields=["enterprise", "released_at"], name="dutyform_month_idx")]

    def __str__(self) -> str:
        return f"D{self.pk:08d}" if self.pk else "D—"

    @transition(field=status, source=DutyFormStatus.WAITING_FOR_PAYMENT, target=DutyFormStatus.PAID)
    def pay(self):
        """The provider confirmed the payment of the form's tax bill."""

    @transition(
        field=status,
        source=[DutyFormStatus.WAITING_FOR_PAYMENT, DutyFormStatus.EXEMPT],
        target=DutyFormStatus.VOID,
    )
    def void(self):
        """The list was cancelled (CEB605) or rejected after a pull-back: nothing is owed."""


class DutyLine(models.Model):
    form = models.ForeignKey(DutyForm, on_delete=models.CASCADE, related_name="lines")
    gnum = models.PositiveIntegerField(_("line"))
    gcode = models.CharField(_("commodity code"), max_length=10)
    gname = models.CharField(_("goods name"), max_length=250)
    currency = models.CharField(_("currency"), max_length=3)
    total_price = models.DecimalField(_("total price"), **MONEY)
    exchange_rate = models.DecimalField(_("exchange rate"), max_digits=14, decimal_places=6)
    customs_value = models.DecimalField(_("customs value (CNY)"), **FEN)
    rate = models.DecimalField(_("duty rate"), max_digits=7, decimal_places=4)
    duty_rate = models.ForeignKey(
        DutyRate, verbose_name=_("rate table entry"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    duty = models.DecimalField(_("duty (CNY)"), **FEN)

    class Meta:
        verbose_name = _("duty line")
        verbose_name_plural = _("duty lines")
        ordering = ["form", "gnum"]
        constraints = [models.UniqueConstraint(fields=["form", "gnum"], name="dutyline_unique_gnum")]

    def __str__(self) -> str:
        return f"{self.form} / {self.gnum}"

    @property
    def rate_percent(self) -> str:
        """20, 12.5: the rate as people write it."""
        return f"{(self.rate * 100).normalize():f}"


class DutyFormHistory(StatusHistory):
    SUBJECT_FIELD = "form"
    STATUS_CHOICES = DutyFormStatus
    form = models.ForeignKey(DutyForm, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("duty form history entry")
        verbose_name_plural = _("duty form history")


class TaxBill(models.Model):
    """The tax payment certificate (税款缴款书) of a duty form: paid once, on confirmation."""

    form = models.OneToOneField(
        DutyForm, verbose_name=_("duty form"), on_delete=models.PROTECT, related_name="bill"
    )
    number = models.CharField(_("bill number"), max_length=30, unique=True)
    amount = models.DecimalField(_("amount (CNY)"), **FEN)
    issued_on = models.DateField(_("issued"))
    # None while the official calendar of the year is not known (never guessed)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    provider = models.CharField(_("payment provider"), max_length=100, blank=True)
    provider_reference = models.CharField(_("provider's reference"), max_length=100, blank=True)
    paid_attempt = models.OneToOneField(
        "PaymentAttempt", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("tax bill")
        verbose_name_plural = _("tax bills")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(
                fields=["due_date"], condition=models.Q(paid_at__isnull=True), name="taxbill_unpaid_idx"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_payable and self.due_date and timezone.localdate() > self.due_date)

    @property
    def is_payable(self) -> bool:
        return not self.is_paid and self.form.status == DutyFormStatus.WAITING_FOR_PAYMENT


class UnpaidTaxBillManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(paid_at__isnull=True, form__status="waiting_for_payment")


class UnpaidTaxBill(TaxBill):
    """Customs' queue: bills still unpaid, the overdue ones first."""

    objects = UnpaidTaxBillManager()

    class Meta:
        proxy = True
        verbose_name = _("unpaid tax bill")
        verbose_name_plural = _("unpaid tax bills")


class AttemptStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the provider's confirmation")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")


class PaymentAttempt(models.Model):
    """One try to pay a bill through the provider; the bill is paid by at most one of them."""

    bill = models.ForeignKey(
        TaxBill, verbose_name=_("tax bill"), on_delete=models.PROTECT, related_name="attempts"
    )
    provider = models.CharField(_("payment provider"), max_length=100)
    reference = models.CharField(_("our reference"), max_length=64, unique=True)
    provider_reference = models.CharField(_("provider's reference"), max_length=100, blank=True)
    amount = models.DecimalField(_("amount (CNY)"), **FEN)
    status = models.CharField(
        _("status"), max_length=10, choices=AttemptStatus.choices, default=AttemptStatus.PENDING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.CharField(_("confirmed by"), max_length=20, blank=True)  # callback | query
    queried_at = models.DateTimeField(_("last asked"), null=True, blank=True)
    queries = models.PositiveIntegerField(_("times asked"), default=0)

    class Meta:
        verbose_name = _("payment attempt")
        verbose_name_plural = _("payment attempts")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference


class CallbackOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted: bill paid")
    FAILED = "failed", _("Accepted: payment failed")
    DUPLICATE = "duplicate", _("Replay of a callback already taken in")
    ALREADY_PAID = "already_paid", _("Bill already paid by another payment")
    VOID = "void", _("Bill void: the payment is to be refunded")
    FORGED = "forged", _("Refused: bad signature")
    AMOUNT_MISMATCH = "amount_mismatch", _("Refused: amount differs from the bill")
    UNKNOWN = "unknown", _("Refused: unknown payment")
    MALFORMED = "malformed", _("Refused: malformed")


class PaymentCallback(models.Model):
    """Every callback the provider (or anyone) sent, with what the portal did with it."""

    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    reference = models.CharField(_("our reference"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallbackOutcome.choices)
    remote_addr = models.CharField(_("from address"), max_length=64, blank=True)
    body = models.TextField(_("body"), blank=True)

    class Meta:
        verbose_name = _("payment callback")
        verbose_name_plural = _("payment callbacks")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.outcome}"


class SandboxStatus(models.TextChoices):
    CREATED = "created", _("Created")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")


class SandboxTransaction(models.Model):
    """The sandbox provider's own ledger: what a real provider would keep on its side."""

    reference = models.CharField(max_length=64, unique=True)
    provider_reference = models.CharField(max_length=100, unique=True)
    amount = models.DecimalField(**FEN)
    status = models.CharField(max_length=10, choices=SandboxStatus.choices, default=SandboxStatus.CREATED)
    return_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sandbox transaction")
        verbose_name_plural = _("sandbox transactions")

    def __str__(self) -> str:
        return self.provider_reference
