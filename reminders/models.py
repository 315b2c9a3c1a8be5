from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registration.models import Enterprise


class ReminderKind(models.TextChoices):
    ANNUAL_REPORT = "annual_report", _("Annual report due")
    AUTHORIZATION_EXPIRING = "authorization_expiring", _("Authorization expiring or renewing")
    SUMMARY_DEADLINE = "summary_deadline", _("Monthly summary deadline")
    WAITING = "waiting", _("Items waiting for the enterprise")
    REVIEW_OVERDUE = "review_overdue", _("Reviews past their due date (customs)")
    QUESTION_UNANSWERED = "question_unanswered", _("Unanswered questions (customs)")
    TAX_BILL = "tax_bill", _("Tax bills to pay")
    VALIDITY = "validity", _("Business licence and certifications expiring")


# Kinds a user cannot switch off: filing the annual report, declaring the monthly summary and
# paying a tax bill by their deadlines are legal obligations of the enterprise (overdue means a
# credit penalty, or a late-payment surcharge), so their reminders always go out. The rest are
# conveniences.
LEGALLY_REQUIRED_KINDS = frozenset(
    {ReminderKind.ANNUAL_REPORT, ReminderKind.SUMMARY_DEADLINE, ReminderKind.TAX_BILL}
)
STAFF_KINDS = frozenset({ReminderKind.REVIEW_OVERDUE, ReminderKind.QUESTION_UNANSWERED})


class Reminder(models.Model):
    """One reminder that went out: at most one per (kind, subject, due date, stage, enterprise).

    The unique constraint is what makes the job safe to run twice or on two workers at once:
    rows are inserted with ON CONFLICT DO NOTHING, and only the run whose insert won delivers.
    ``enterprise`` is part of the key because one subject (an authorization) concerns two
    enterprises, each reminded on its own.
    """

    kind = models.CharField(_("kind"), max_length=40, choices=ReminderKind.choices)
    subject = models.CharField(_("subject"), max_length=80)
    due_date = models.DateField(_("due date"))
    stage = models.CharField(_("stage"), max_length=20)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="reminders"
    )
    # stored texts (customs_portal.texts), rendered in each recipient's language when sent
    title = models.JSONField(_("title"))
    body = models.JSONField(_("message"), blank=True, default=str)
    link = models.CharField(_("link"), max_length=300, blank=True)
    sms = models.BooleanField(_("also by SMS"), default=False)
    run_token = models.CharField(max_length=36, db_index=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered by e-mail/SMS"), null=True, blank=True)
    # Delivery bookkeeping (services.reminder_deliver): a worker claims the delivery by setting
    # the lease under a row lock, sends, then sets delivered_at. Nobody else sends while the
    # lease runs, so a duplicate task or the sweep meeting a slow worker sends nothing; a worker
    # that died mid-send is replaced only once its lease has expired.
    delivery_lease_until = models.DateTimeField(_("being delivered until"), null=True, blank=True)
    delivery_queued_at = models.DateTimeField(_("delivery last queued or tried"), null=True, blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0, db_default=0)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject", "due_date", "stage", "enterprise"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.stage} {self.subject} {self.due_date}"


class ReminderOptOut(models.Model):
    """A user switched off one kind of reminder (only kinds that are not legally required)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_opt_outs"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=ReminderKind.choices)

    class Meta:
        verbose_name = _("reminder opt-out")
        verbose_name_plural = _("reminder opt-outs")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="reminder_optout_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"
