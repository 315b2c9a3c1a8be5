"""Risk rules, the random inspection rate, the monthly exchange-rate table, channel decisions.

Domain (cross-border export, item 5): a declared list that passed the comparison goes to the
green channel (released at once, under monitoring) or the red channel (on-site review by
customs). Risk officers keep the rules and the inspection rate; an officer may pull a green
list back to review until it departs.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from customs_portal import texts
from declarations.models import Inventory, InventoryStatus
from registration.models import Enterprise

RMB = "142"  # China Customs' currency code for the renminbi
DEFAULT_INSPECTION_RATE = Decimal("0.05")  # issue 4: random inspection rate, default 5%


class RiskRule(models.Model):
    """A rule that sends matching lists to the red channel.

    The criteria that are filled in must all match (an empty criterion matches every list);
    at least one must be filled in.
    """

    name = models.CharField(_("name"), max_length=100)
    gcode_prefix = models.CharField(
        _("commodity code prefix"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{1,10}$", _("Enter 1 to 10 digits."))],
        help_text=_("Matches a list when any of its lines' commodity codes starts with these digits."),
    )
    country = models.CharField(
        _("destination country"),
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^\d{3}$", _("Enter a 3-digit customs country code."))],
        help_text=_("Customs country code; matches the country of arrival or any line's final destination."),
    )
    dishonest_only = models.BooleanField(
        _("dishonest enterprises only"),
        default=False,
        help_text=_(
            "Matches when the e-commerce enterprise, the declaring enterprise or the goods owner "
            "is rated dishonest."
        ),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Controls one enterprise's lists by hand: matches when it is the e-commerce enterprise, "
            "the declaring enterprise or the goods owner."
        ),
    )
    value_above = models.DecimalField(
        _("value above (RMB)"),
        max_digits=19,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Matches when the list's value, converted at the month's exchange rate, is above this."),
    )
    reason = models.CharField(
        _("reason"), max_length=300, help_text=_("Shown to customs officers only, never to traders.")
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(gcode_prefix="")
                | ~models.Q(country="")
                | models.Q(dishonest_only=True)
                | models.Q(enterprise__isnull=False)
                | models.Q(value_above__isnull=False),
                name="riskrule_has_a_criterion",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if not (
            self.gcode_prefix
            or self.country
            or self.dishonest_only
            or self.enterprise_id
            or self.value_above is not None
        ):
            raise ValidationError(_("Fill in at least one criterion."))


class InspectionSetting(models.Model):
    """The random inspection rate, one row per change: the latest row is in force.

    Kept as a history so that an audit can tell which rate applied when a list was drawn.
    """

    rate = models.DecimalField(
        _("inspection rate"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("A fraction between 0 and 1: 0.05 inspects one list in twenty."),
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), auto_now_add=True, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("inspection rate")
        verbose_name_plural = _("inspection rates")
        ordering = ["-set_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__gte=0) & models.Q(rate__lte=1), name="inspection_rate_is_a_fraction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rate:%}"


class ExchangeRate(models.Model):
    """The month's rate: how many RMB one unit of the currency is worth."""

    currency = models.CharField(
        _("currency"),
        max_length=3,
        validators=[RegexValidator(r"^\d{3}$", _("Enter a 3-digit customs currency code (502 is USD)."))],
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month the rate applies to."))
    rate = models.DecimalField(
        _("RMB per unit"),
        max_digits=14,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0.000001"))],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-month", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "month"], name="exchangerate_unique_currency_month"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchangerate_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.month:%Y-%m} {self.rate}"

    def clean(self):
        super().clean()
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)
        if self.currency == RMB:
            raise ValidationError({"currency": _("The renminbi needs no exchange rate.")})


class DecisionKind(models.TextChoices):
    ROUTED = "routed", _("Channel assigned after comparison")
    PULLED_BACK = "pulled_back", _("Pulled back to review by an officer")


class ChannelDecision(models.Model):
    """Why a list went where it went. Customs only: traders never see these reasons."""

    inventory = models.ForeignKey(
        Inventory,
        verbose_name=_("declaration list"),
        on_delete=models.CASCADE,
        related_name="channel_decisions",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=DecisionKind.choices, default=DecisionKind.ROUTED
    )
    channel = models.CharField(_("channel"), max_length=5, choices=[("green", _("Green")), ("red", _("Red"))])
    drawn_for_inspection = models.BooleanField(_("drawn for random inspection"), default=False)
    draw = models.DecimalField(_("draw"), max_digits=11, decimal_places=10, null=True, blank=True)
    inspection_rate = models.DecimalField(
        _("inspection rate"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)  # [{"code", "message", "rule"}]
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("channel decision")
        verbose_name_plural = _("channel decisions")
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.inventory} {self.channel}"

    @property
    def reasons_text(self) -> str:
        return "; ".join(texts.render(r.get("message", "")) for r in self.reasons) or "—"


class RedListManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(status=InventoryStatus.UNDER_REVIEW)


class RedList(Inventory):
    """The red-channel queue: declared lists waiting for on-site review."""

    objects = RedListManager()

    class Meta:
        proxy = True
        verbose_name = _("red-channel list")
        verbose_name_plural = _("red-channel queue")


class ReleasedListManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(status=InventoryStatus.RELEASED)


class ReleasedList(Inventory):
    """Released lists that have not departed yet: an officer may pull them back to review."""

    objects = ReleasedListManager()

    class Meta:
        proxy = True
        verbose_name = _("released list")
        verbose_name_plural = _("released lists (not departed)")
