"""Monthly summary declarations (domain: cross-border export, items 7 and 8).

A ``SummaryForm`` is one export goods declaration form built by the eight-same rule from the
departed ``B`` lists an e-commerce enterprise had released in one month (Beijing time).
``month`` is the first day of that month (a DateField). ``SummaryInventory`` links each list
to the one form it is summarised on (unique inventory: a list is never summarised twice).
``SummaryStatistic`` counts the month's ``A`` lists (summary statistics, item 8).
"""

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from customs_portal.models import StatusHistory
from registration.models import Enterprise

MONEY = {"max_digits": 19, "decimal_places": 5}
QTY = {"max_digits": 24, "decimal_places": 5}

# A form holds at most 50 goods lines; beyond that the group is split over several forms.
MAX_LINES_PER_FORM = 50


class SummaryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("status", "Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    RESUBMITTED = "resubmitted", _("Resubmitted")


# the statuses in which the enterprise still owes customs something
OPEN_STATUSES = (SummaryStatus.DRAFT, SummaryStatus.RETURNED)
# the statuses a reviewer decides on
REVIEW_STATUSES = (SummaryStatus.SUBMITTED, SummaryStatus.RESUBMITTED)


class SummaryForm(models.Model):
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("e-commerce enterprise"),
        on_delete=models.PROTECT,
        related_name="summary_forms",
    )
    month = models.DateField(_("month"), help_text=_("First day of the month the lists were released in."))
    number = models.PositiveIntegerField(_("form number"), help_text=_("Running number within the month."))
    # eight-same rule, form part: consignor, transport mode, production and sales unit,
    # country of arrival, exit customs
    ebc_code = models.CharField(_("consignor code"), max_length=18)
    traf_mode = models.CharField(_("transport mode"), max_length=1)
    owner_enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("production and sales unit"), on_delete=models.PROTECT, related_name="+"
    )
    owner_code = models.CharField(_("production and sales unit code"), max_length=18)
    country = models.CharField(_("country of arrival"), max_length=3)
    port_code = models.CharField(_("exit customs"), max_length=4)
    part = models.PositiveIntegerField(_("part"), default=1)
    parts = models.PositiveIntegerField(_("parts"), default=1)
    additional = models.BooleanField(
        _("additional form"),
        default=False,
        help_text=_("Lists that departed after the month's forms were submitted."),
    )
    inventory_count = models.PositiveIntegerField(_("declaration lists"), default=0)
    line_count = models.PositiveIntegerField(_("goods lines"), default=0)
    total_price = models.DecimalField(_("total value"), **MONEY, default=0)
    # None while the official calendar of the deadline's year is not known (never guessed)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = FSMField(
        _("status"), max_length=20, choices=SummaryStatus.choices, default=SummaryStatus.DRAFT, protected=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        Enterprise,
        verbose_name=_("declared by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    declaration_no = models.CharField(_("declaration number"), max_length=18, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("built"), auto_now_add=True)

    class Meta:
        verbose_name = _("summary declaration form")
        verbose_name_plural = _("summary declaration forms")
        ordering = ["-month", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "month", "number"], name="summaryform_unique_number"
            ),
            models.UniqueConstraint(
                fields=["declaration_no"],
                condition=~models.Q(declaration_no=""),
                name="summaryform_unique_declaration_no",
            ),
            models.CheckConstraint(condition=models.Q(month__day=1), name="summaryform_month_first_day"),
        ]
        indexes = [models.Index(fields=["enterprise", "month", "status"], name="summaryform_month_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} #{self.number}"

    @property
    def month_label(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def is_overdue(self) -> bool:
        """Still owed (draft or returned) after the deadline day, Beijing time."""
        return bool(self.deadline and self.status in OPEN_STATUSES and timezone.localdate() > self.deadline)

    @property
    def days_left(self) -> int | None:
        return (self.deadline - timezone.localdate()).days if self.deadline else None

    @property
    def may_submit(self) -> bool:
        return self.status == SummaryStatus.DRAFT

    @property
    def may_resubmit(self) -> bool:
        return self.status == SummaryStatus.RETURNED

    # --- state machine: draft → submitted → accepted | returned → resubmitted → ... --------
    @transition(field=status, source=SummaryStatus.DRAFT, target=SummaryStatus.SUBMITTED)
    def submit(self):
        """The e-commerce enterprise or its authorized broker declares the form."""

    @transition(field=status, source=list(REVIEW_STATUSES), target=SummaryStatus.ACCEPTED)
    def accept(self):
        """A reviewer accepts and records the 18-digit declaration number."""

    @transition(field=status, source=list(REVIEW_STATUSES), target=SummaryStatus.RETURNED)
    def return_form(self):
        """A reviewer returns the form with a reason."""

    @transition(field=status, source=SummaryStatus.RETURNED, target=SummaryStatus.RESUBMITTED)
    def resubmit(self):
        """The enterprise or its broker declares the corrected form again."""


class SummaryLine(models.Model):
    """One goods line: eight-same rule, line part (commodity code, destination, currency)."""

    form = models.ForeignKey(SummaryForm, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    gcode = models.CharField(_("commodity code"), max_length=10)
    destination_country = models.CharField(_("final destination country"), max_length=3)
    currency = models.CharField(_("currency"), max_length=3)
    unit1 = models.CharField(_("legal unit"), max_length=3)
    qty = models.DecimalField(_("declared quantity"), **QTY)
    qty1 = models.DecimalField(_("legal quantity"), **QTY)
    total_price = models.DecimalField(_("total value"), **MONEY)
    inventory_count = models.PositiveIntegerField(_("declaration lists"))

    class Meta:
        verbose_name = _("summary line")
        verbose_name_plural = _("summary lines")
        ordering = ["form", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["form", "line_no"], name="summaryline_unique_line_no"),
            models.UniqueConstraint(
                fields=["form", "gcode", "destination_country", "currency"], name="summaryline_unique_key"
            ),
            models.CheckConstraint(
                condition=models.Q(line_no__gte=1, line_no__lte=MAX_LINES_PER_FORM),
                name="summaryline_at_most_50",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} / {self.line_no}"


class SummaryInventory(models.Model):
    """A declaration list is summarised on exactly one form: the inventory is unique here."""

    form = models.ForeignKey(SummaryForm, on_delete=models.CASCADE, related_name="inventory_links")
    # The unique column is the rule (a list is on one summary). No database foreign key: only
    # departed, declared lists are linked and PostgreSQL refuses to delete a declared list
    # (declarations' trigger), so the reference cannot dangle; a foreign key would only add a
    # row lock on every list at commit, which doubled the month's build time.
    inventory = models.OneToOneField(
        "declarations.Inventory", on_delete=models.PROTECT, related_name="summary_link", db_constraint=False
    )

    class Meta:
        verbose_name = _("summarised declaration list")
        verbose_name_plural = _("summarised declaration lists")
        # the form page lists a form's declaration lists a page at a time (selectors.form_inventory_page)
        indexes = [models.Index(fields=["form", "inventory"], name="summaryinventory_page_idx")]

    def __str__(self) -> str:
        return f"{self.form} ← {self.inventory_id}"


class SummaryStatistic(models.Model):
    """Summary statistics (item 8): the month's ``A`` lists, counted, never put on a form."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="summary_statistics")
    month = models.DateField(_("month"))
    ebc_code = models.CharField(_("consignor code"), max_length=18)
    hs4 = models.CharField(_("commodity heading (4 digits)"), max_length=4)
    destination_country = models.CharField(_("final destination country"), max_length=3)
    currency = models.CharField(_("currency"), max_length=3)
    inventory_count = models.PositiveIntegerField(_("declaration lists"))
    total_price = models.DecimalField(_("total value"), **MONEY)

    class Meta:
        verbose_name = _("summary statistic")
        verbose_name_plural = _("summary statistics")
        ordering = ["month", "ebc_code", "hs4", "destination_country", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "month", "ebc_code", "hs4", "destination_country", "currency"],
                name="summarystatistic_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.hs4} {self.destination_country} {self.currency}"


class SummaryFormHistory(StatusHistory):
    SUBJECT_FIELD = "form"
    STATUS_CHOICES = SummaryStatus
    form = models.ForeignKey(SummaryForm, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("summary form history entry")
        verbose_name_plural = _("summary form history")


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def next_month(value: dt.date) -> dt.date:
    return (value.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


class ResultOutcome(models.TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("summary result", "Accepted")
    RETURNED = "returned", pgettext_lazy("summary result", "Returned")


class SummaryResult(models.Model):
    """One customs result (CEB792 ``SummaryResult``) taken in for a form (results.py).

    The head's ``guid`` is the guid of the form's CEB701 application head (exports.py), which
    is how a result finds its form. Once a result exists for a form, its declaration number is
    never typed by hand.
    """

    form = models.ForeignKey(
        SummaryForm, on_delete=models.PROTECT, related_name="results", verbose_name=_("form")
    )
    message_guid = models.CharField(_("message guid"), max_length=36)
    guid = models.CharField(_("application guid"), max_length=36)
    sum_no = models.CharField(_("summary application number"), max_length=50, blank=True)
    decl_seq_no = models.CharField(_("summary unified number"), max_length=50, blank=True)
    entry_id = models.CharField(_("declaration number"), max_length=18, blank=True)
    dec_state = models.CharField(_("declaration state"), max_length=3)
    op_date = models.CharField(_("processed at (customs)"), max_length=17)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ResultOutcome.choices)
    imported_by = models.CharField(_("imported by"), max_length=150)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("summary result (CEB792)")
        verbose_name_plural = _("summary results (CEB792)")
        ordering = ["imported_at", "id"]
        constraints = [
            # the same result taken in twice is kept once (idempotent import)
            models.UniqueConstraint(
                fields=["form", "guid", "dec_state", "entry_id", "op_date"], name="summaryresult_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.form} {self.outcome} {self.entry_id}"
