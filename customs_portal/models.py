from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import texts


class CalendarYear(models.Model):
    """A year whose official schedule has been entered by hand.

    chinesecalendar ships the State Council's schedules up to the year it was released for;
    for a later year ops enter the published schedule as CalendarDay rows and mark the year
    complete here. The calendar refuses to answer for a year that is neither.
    """

    year = models.PositiveIntegerField(_("year"), unique=True)
    complete = models.BooleanField(
        _("schedule complete"),
        default=False,
        help_text=_("Tick once every holiday and swapped working day of the year is entered."),
    )
    note = models.CharField(_("source of the schedule"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An override of one day: a public holiday or a swapped working day (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'workday' if self.is_workday else 'holiday'} {self.name}"


SYSTEM_ACTOR = "system"


class StatusHistory(models.Model):
    """One move of a state machine: who, when, from, to, why.

    Concrete subclasses add the foreign key to their subject and name it in SUBJECT_FIELD.
    """

    SUBJECT_FIELD = "subject"
    STATUS_CHOICES = None  # the subject's TextChoices: statuses are shown by their names

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    from_status = models.CharField(_("from"), max_length=40, blank=True)
    to_status = models.CharField(_("to"), max_length=40)
    # a stored text (texts.stored: rendered in the reader's language), a reviewer's own words
    # as they typed them, or the plain text of a row written before stored texts
    reason = texts.StoredTextField(_("reason"), blank=True, default=str)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        """A readable line (an admin inline's row title): when, who, from → to by their names."""
        when = timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M") if self.at else ""
        moved = f"{self.from_status_label or '—'} → {self.to_status_label or '—'}"
        return f"{when} · {self.actor_display} · {moved}"

    def reason_text(self) -> str:
        """The reason in the active language (admin pages list this, not the stored form)."""
        return texts.render(self.reason)

    reason_text.short_description = _("reason")

    def _status_label(self, value: str) -> str:
        if not value:
            return ""
        try:
            return str(self.STATUS_CHOICES(value).label) if self.STATUS_CHOICES else value
        except ValueError:
            return value

    @property
    def from_status_label(self) -> str:
        return self._status_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return self._status_label(self.to_status)

    @property
    def actor_display(self) -> str:
        if self.actor_label == SYSTEM_ACTOR:  # the services' marker for the portal itself
            return str(_("the portal (automatic)"))
        if self.actor_label:
            return self.actor_label
        return str(self.actor) if self.actor_id else str(_("the portal (automatic)"))
