"""The customs–enterprise cooperation platform: annual reports, policy notices, questions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from customs_portal.models import StatusHistory
from customs_portal.uploads import SniffedFileField
from registration.models import ROLE_FIELDS, Enterprise

# The annual report for year Y is due in the reporting window 1 January – 30 June of Y+1.
REPORT_WINDOW_END = (6, 30)


class BusinessStatus(models.TextChoices):
    OPERATING = "operating", _("Operating normally")
    SUSPENDED = "suspended", _("Business suspended")
    LIQUIDATION = "liquidation", _("In liquidation")


class AnnualReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting customs review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for correction")


class AnnualReport(models.Model):
    """An enterprise's annual report for one calendar year (submitted in the next year's window)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="annual_reports"
    )
    year = models.PositiveIntegerField(_("report year"))
    business_status = models.CharField(
        _("business status"), max_length=20, choices=BusinessStatus.choices, default=BusinessStatus.OPERATING
    )
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    contact_email = models.EmailField(_("contact e-mail"))
    import_volume = models.DecimalField(
        _("import volume (RMB 10,000)"), max_digits=14, decimal_places=2, default=0
    )
    export_volume = models.DecimalField(
        _("export volume (RMB 10,000)"), max_digits=14, decimal_places=2, default=0
    )
    staff_count = models.PositiveIntegerField(_("number of staff"))
    customs_staff_count = models.PositiveIntegerField(_("staff handling customs affairs"), default=0)
    declared_true = models.BooleanField(_("declared true and complete"), default=False)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=AnnualReportStatus.choices,
        default=AnnualReportStatus.SUBMITTED,
        protected=True,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="annualreport_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"

    @property
    def is_in(self) -> bool:
        """Submitted or accepted: the annual-report reminders stop."""
        return self.status in (AnnualReportStatus.SUBMITTED, AnnualReportStatus.ACCEPTED)

    @transition(field=status, source=AnnualReportStatus.SUBMITTED, target=AnnualReportStatus.ACCEPTED)
    def accept(self):
        """Customs accepted the report."""

    @transition(field=status, source=AnnualReportStatus.SUBMITTED, target=AnnualReportStatus.RETURNED)
    def return_for_correction(self):
        """Customs returned the report with a reason."""

    @transition(field=status, source=AnnualReportStatus.RETURNED, target=AnnualReportStatus.SUBMITTED)
    def resubmit(self):
        """The enterprise corrected and resubmitted the report."""


class AnnualReportHistory(StatusHistory):
    SUBJECT_FIELD = "report"
    STATUS_CHOICES = AnnualReportStatus
    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("annual report history entry")
        verbose_name_plural = _("annual report history")


class PolicyNoticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def for_enterprise(self, enterprise):
        """Notices for every enterprise (no role ticked) or for one of its roles."""
        q = models.Q(**{f"for_{role}": False for role in ROLE_FIELDS})
        for role in enterprise.roles:
            q |= models.Q(**{f"for_{role}": True})
        return self.published().filter(q)


class PolicyNotice(models.Model):
    """A notice or rule customs publishes; enterprises see the ones that concern their roles."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    effective_date = models.DateField(_("effective date"))
    for_owner = models.BooleanField(_("goods owners"), default=False)
    for_broker = models.BooleanField(_("customs brokers"), default=False)
    for_ecommerce = models.BooleanField(_("cross-border e-commerce enterprises"), default=False)
    for_platform = models.BooleanField(_("e-commerce platforms"), default=False)
    for_logistics = models.BooleanField(_("logistics enterprises"), default=False)
    for_payment = models.BooleanField(_("payment enterprises"), default=False)
    email_on_publish = models.BooleanField(
        _("e-mail the concerned enterprises on publication"), default=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    objects = PolicyNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy notice")
        verbose_name_plural = _("policy notices")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def roles(self) -> list[str]:
        return [role for role in ROLE_FIELDS if getattr(self, f"for_{role}")]


class NoticeRead(models.Model):
    notice = models.ForeignKey(PolicyNotice, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="noticeread_once")]

    def __str__(self) -> str:
        return f"{self.notice_id}/{self.user_id}"


class QuestionCategory(models.TextChoices):
    REGISTRATION = "registration", _("Registration and changes")
    AUTHORIZATION = "authorization", _("Declaration authorization")
    DECLARATION = "declaration", _("Declaration lists and clearance")
    SUMMARY = "summary", _("Monthly summary declaration")
    CREDIT = "credit", _("Credit rating and annual report")
    OTHER = "other", _("Other customs business")


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("Open, awaiting customs")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Question(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="questions"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.CharField(_("category"), max_length=20, choices=QuestionCategory.choices)
    subject = models.CharField(_("subject"), max_length=200)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=QuestionStatus.choices,
        default=QuestionStatus.OPEN,
        protected=True,
        db_index=True,
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    # the enterprise's coordinating officer, when it addressed the question to them
    addressed_to = models.ForeignKey(
        "business.CoordinatingOfficer",
        verbose_name=_("addressed to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    # when the enterprise last wrote: staff are reminded two working days after it
    waiting_since = models.DateTimeField(_("waiting for customs since"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject

    @transition(
        field=status, source=[QuestionStatus.OPEN, QuestionStatus.ANSWERED], target=QuestionStatus.ANSWERED
    )
    def answer(self):
        """Customs answered."""

    @transition(
        field=status, source=[QuestionStatus.ANSWERED, QuestionStatus.OPEN], target=QuestionStatus.OPEN
    )
    def follow_up(self):
        """The enterprise wrote again: customs owes an answer."""

    @transition(
        field=status, source=[QuestionStatus.OPEN, QuestionStatus.ANSWERED], target=QuestionStatus.CLOSED
    )
    def close(self):
        """Either side closed the thread."""


class QuestionHistory(StatusHistory):
    SUBJECT_FIELD = "question"
    STATUS_CHOICES = QuestionStatus
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("question history entry")
        verbose_name_plural = _("question history")


class QuestionMessage(models.Model):
    """One message of a question's thread, from the enterprise or from customs."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_customs = models.BooleanField(_("from customs"), default=False)
    text = models.TextField(_("message"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class QuestionAttachment(models.Model):
    message = models.ForeignKey(QuestionMessage, on_delete=models.CASCADE, related_name="attachments")
    file = SniffedFileField(_("file"), upload_to="cooperation/questions/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name
