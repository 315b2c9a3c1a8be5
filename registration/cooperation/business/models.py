"""Customs business online: an enterprise contests an entry of its clearance error log (纠错)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from customs_portal.models import StatusHistory
from customs_portal.uploads import SniffedFileField, random_name
from registration.models import Enterprise

DEFAULT_CONTEST_REVIEW_WORKING_DAYS = 5


class BusinessSettings(models.Model):
    """Settings customs keeps in admin for the business handled online: one row (pk 1)."""

    contest_review_working_days = models.PositiveSmallIntegerField(
        _("working days to review a contested clearance error"),
        default=DEFAULT_CONTEST_REVIEW_WORKING_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Counted by the official working-day calendar from the day after the contest is filed."),
    )

    hotline = models.CharField(_("customer-service hotline"), max_length=40, default="12360")
    service_hours_en = models.CharField(
        _("customer-service hours (English)"), max_length=200, default="Working days 9:00–17:00"
    )
    service_hours_zh = models.CharField(
        _("customer-service hours (Chinese)"), max_length=200, default="工作日 9:00–17:00"
    )

    retention_days = models.PositiveIntegerField(
        _("keep closed personal data for (days)"),
        default=365,
        validators=[MinValueValidator(30)],
        help_text=_(
            "Decided requests to join, removed members' contact details and prepared data archives "
            "older than this are purged every night."
        ),
    )

    class Meta:
        verbose_name = _("business settings")
        verbose_name_plural = _("business settings")

    def __str__(self) -> str:
        return str(_("Business settings"))

    @classmethod
    def load(cls) -> "BusinessSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class ContestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Under customs review")
    UPHELD = "upheld", _("Upheld: entry corrected")
    DISMISSED = "dismissed", _("Dismissed: entry stands")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_CONTEST_STATUSES = (ContestStatus.SUBMITTED,)


class ClearanceErrorContest(models.Model):
    """The enterprise says an entry of its clearance error log (a returned or rejected
    declaration list) is wrong. Upheld, the entry counts as corrected: the list itself is
    law-enforcement data and stays as it is; the contest is the record of the correction."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="error_contests"
    )
    inventory = models.ForeignKey(
        "declarations.Inventory",
        verbose_name=_("declaration list"),
        on_delete=models.PROTECT,
        related_name="error_contests",
    )
    reasons = models.TextField(_("reasons"))
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ContestStatus.choices,
        default=ContestStatus.SUBMITTED,
        protected=True,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("filed"), auto_now_add=True)
    due_date = models.DateField(_("review due by"), null=True, blank=True)  # None: calendar not known yet
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("customs' reasons"), blank=True)

    class Meta:
        verbose_name = _("contested clearance error")
        verbose_name_plural = _("contested clearance errors")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # one open contest per entry, whoever files it
            models.UniqueConstraint(
                fields=["inventory"],
                condition=models.Q(status="submitted"),
                name="contest_one_open_per_entry",
            ),
            # an entry is corrected once
            models.UniqueConstraint(
                fields=["inventory"],
                condition=models.Q(status="upheld"),
                name="contest_one_upheld_per_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inventory_id} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CONTEST_STATUSES

    @transition(field=status, source=ContestStatus.SUBMITTED, target=ContestStatus.UPHELD)
    def uphold(self):
        """Customs agrees: the entry is corrected."""

    @transition(field=status, source=ContestStatus.SUBMITTED, target=ContestStatus.DISMISSED)
    def dismiss(self):
        """Customs keeps the entry, with its reasons."""

    @transition(field=status, source=ContestStatus.SUBMITTED, target=ContestStatus.WITHDRAWN)
    def withdraw(self):
        """The enterprise withdrew the contest before the decision."""


class ClearanceErrorContestHistory(StatusHistory):
    SUBJECT_FIELD = "contest"
    STATUS_CHOICES = ContestStatus
    contest = models.ForeignKey(ClearanceErrorContest, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("contest history entry")
        verbose_name_plural = _("contest history")


class ContestAttachment(models.Model):
    contest = models.ForeignKey(ClearanceErrorContest, on_delete=models.CASCADE, related_name="attachments")
    file = SniffedFileField(_("file"), upload_to="business/contests/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


# --- the enterprise's contact at customs and its documents --------------------------------------
class CoordinatingOfficer(models.Model):
    """A customs officer who coordinates the business of the enterprises assigned to them."""

    name = models.CharField(_("name"), max_length=100)
    office = models.CharField(_("office"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30)
    hours = models.CharField(_("office hours"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"is_staff": True},
        help_text=_("Told in the portal when an enterprise addresses a question to this officer."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("coordinating officer")
        verbose_name_plural = _("coordinating officers")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.office})"


class EnterpriseProfile(models.Model):
    """What customs business online keeps per enterprise: its coordinating officer and the term
    of its business licence (for the validity reminders)."""

    enterprise = models.OneToOneField(
        Enterprise, primary_key=True, on_delete=models.CASCADE, related_name="business_profile"
    )
    officer = models.ForeignKey(
        CoordinatingOfficer,
        verbose_name=_("coordinating officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprises",
    )
    officer_assigned_at = models.DateTimeField(_("officer assigned"), null=True, blank=True)
    licence_valid_to = models.DateField(
        _("business licence valid until"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the licence has no fixed term (长期)."),
    )

    class Meta:
        verbose_name = _("enterprise business profile")
        verbose_name_plural = _("enterprise business profiles")

    def __str__(self) -> str:
        return str(self.enterprise)


class DocumentKind(models.TextChoices):
    REGISTRATION = "registration", _("Registration confirmation")
    AUTHORIZATION = "authorization", _("Declaration authorization certificate")


class IssuedDocument(models.Model):
    """A certificate the portal issued as PDF, with the code anyone can check it by.

    One code per subject: downloading again prints the same code. The code is 80 random bits;
    the public check shows only the kind, the current status and the document's date."""

    code = models.CharField(_("verification code"), max_length=24, unique=True)
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="issued_documents"
    )
    authorization = models.ForeignKey(
        "authorization.Authorization",
        verbose_name=_("authorization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="issued_documents",
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(kind="registration"),
                name="issued_registration_once",
            ),
            models.UniqueConstraint(
                fields=["authorization"],
                condition=models.Q(kind="authorization"),
                name="issued_authorization_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"


# --- people asking to join an enterprise --------------------------------------------------------
class JoinStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the administrator")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class JoinRequest(models.Model):
    """A person asks to work for an enterprise (found by its USCC). No account exists until the
    enterprise's administrator accepts: then an operator account is made from these details."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="join_requests"
    )
    full_name = models.CharField(_("full name"), max_length=150)
    username = models.CharField(_("user name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    message = models.TextField(_("message to the administrator"), blank=True)
    password_hash = models.CharField(max_length=128)
    language = models.CharField(_("language"), max_length=10)
    status = FSMField(
        _("status"), max_length=20, choices=JoinStatus.choices, default=JoinStatus.PENDING, protected=True
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account made"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "email"],
                condition=models.Q(status="pending"),
                name="join_one_pending_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} → {self.enterprise_id}"

    @transition(field=status, source=JoinStatus.PENDING, target=JoinStatus.ACCEPTED)
    def accept(self):
        """The administrator accepted: the account is made."""

    @transition(field=status, source=JoinStatus.PENDING, target=JoinStatus.DECLINED)
    def decline(self):
        """The administrator declined."""


class JoinRequestHistory(StatusHistory):
    SUBJECT_FIELD = "request"
    STATUS_CHOICES = JoinStatus
    request = models.ForeignKey(JoinRequest, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("join request history entry")
        verbose_name_plural = _("join request history")


# --- credit certification (认证) and self-assessment ---------------------------------------------
class AssessmentSection(models.Model):
    """One section of the certification self-assessment; customs maintains them in admin."""

    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    guidance_en = models.TextField(_("what to assess (English)"))
    guidance_zh = models.TextField(_("what to assess (Chinese)"))
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("self-assessment section")
        verbose_name_plural = _("self-assessment sections")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title_en

    def _in_language(self, en: str, zh: str) -> str:
        from django.utils.translation import get_language

        return zh if (get_language() or "").lower().startswith("zh") else en

    @property
    def title(self) -> str:
        return self._in_language(self.title_en, self.title_zh)

    @property
    def guidance(self) -> str:
        return self._in_language(self.guidance_en, self.guidance_zh)


class CertificationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Under customs review")
    MORE_REQUESTED = "more_requested", _("Customs asked for more")
    GRANTED = "granted", _("Decided: rating granted")
    REFUSED = "refused", _("Decided: refused")


class CertificationApplication(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="certifications"
    )
    requested_rating = models.CharField(
        _("rating applied for"), max_length=20, choices=Enterprise._meta.get_field("credit_rating").choices
    )
    statement = models.TextField(_("statement"), blank=True)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=CertificationStatus.choices,
        default=CertificationStatus.SUBMITTED,
        protected=True,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("applied"), auto_now_add=True)
    request_note = models.TextField(_("what customs asked for"), blank=True)
    decision_note = models.TextField(_("customs' reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("certification application")
        verbose_name_plural = _("certification applications")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(status__in=["submitted", "more_requested"]),
                name="certification_one_open_per_enterprise",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.get_requested_rating_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in (CertificationStatus.SUBMITTED, CertificationStatus.MORE_REQUESTED)

    @transition(field=status, source=CertificationStatus.SUBMITTED, target=CertificationStatus.MORE_REQUESTED)
    def request_more(self):
        """Customs asks for more reports or answers."""

    @transition(field=status, source=CertificationStatus.MORE_REQUESTED, target=CertificationStatus.SUBMITTED)
    def resubmit(self):
        """The enterprise sent what was asked."""

    @transition(field=status, source=CertificationStatus.SUBMITTED, target=CertificationStatus.GRANTED)
    def grant(self):
        """Customs grants the rating."""

    @transition(field=status, source=CertificationStatus.SUBMITTED, target=CertificationStatus.REFUSED)
    def refuse(self):
        """Customs refuses, with its reasons."""


class CertificationHistory(StatusHistory):
    SUBJECT_FIELD = "application"
    STATUS_CHOICES = CertificationStatus
    application = models.ForeignKey(
        CertificationApplication, on_delete=models.CASCADE, related_name="history"
    )

    class Meta(StatusHistory.Meta):
        verbose_name = _("certification history entry")
        verbose_name_plural = _("certification history")


class SelfAssessmentAnswer(models.Model):
    application = models.ForeignKey(
        CertificationApplication, on_delete=models.CASCADE, related_name="answers"
    )
    section = models.ForeignKey(AssessmentSection, verbose_name=_("section"), on_delete=models.PROTECT)
    meets = models.BooleanField(_("meets the standard"))
    explanation = models.TextField(_("explanation"))

    class Meta:
        verbose_name = _("self-assessment answer")
        verbose_name_plural = _("self-assessment answers")
        ordering = ["section__order", "section_id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "section"], name="assessment_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.section_id}"


class CertificationReport(models.Model):
    application = models.ForeignKey(
        CertificationApplication, on_delete=models.CASCADE, related_name="reports"
    )
    file = SniffedFileField(_("file"), upload_to="business/certification/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("supporting report")
        verbose_name_plural = _("supporting reports")
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class CertificationVisit(models.Model):
    """Customs' on-site verification (a recorded step of the review)."""

    application = models.ForeignKey(CertificationApplication, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("visit date"))
    officers = models.CharField(_("officers"), max_length=300)
    findings = models.TextField(_("findings"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("on-site visit")
        verbose_name_plural = _("on-site visits")
        ordering = ["visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.visited_on}"


class RatingChange(models.Model):
    """The enterprise's credit rating from ``effective_date``: the history the enterprise reads."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="rating_changes"
    )
    from_rating = models.CharField(
        _("previous rating"), max_length=20, choices=Enterprise._meta.get_field("credit_rating").choices
    )
    to_rating = models.CharField(
        _("new rating"), max_length=20, choices=Enterprise._meta.get_field("credit_rating").choices
    )
    effective_date = models.DateField(_("effective from"))
    valid_until = models.DateField(
        _("certification valid until"),
        null=True,
        blank=True,
        help_text=_("Re-certification is due before it."),
    )
    application = models.ForeignKey(
        CertificationApplication,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rating_changes",
    )
    applied = models.BooleanField(_("in force"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit rating change")
        verbose_name_plural = _("credit rating changes")
        ordering = ["-effective_date", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.from_rating} → {self.to_rating} ({self.effective_date})"


# --- help centre ---------------------------------------------------------------------------------
class HelpArticle(models.Model):
    """A help-centre article in both languages, shown on the pages it explains."""

    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    body_en = models.TextField(_("text (English)"))
    body_zh = models.TextField(_("text (Chinese)"))
    pages = models.CharField(
        _("pages it explains"),
        max_length=500,
        blank=True,
        help_text=_("Page names, comma-separated (e.g. cooperation:clearance_errors, business:contest_new)."),
    )
    published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("help article")
        verbose_name_plural = _("help articles")
        ordering = ["title_en", "id"]

    def __str__(self) -> str:
        return self.title_en

    def _in_language(self, en: str, zh: str) -> str:
        from django.utils.translation import get_language

        return zh if (get_language() or "").lower().startswith("zh") else en

    @property
    def title(self) -> str:
        return self._in_language(self.title_en, self.title_zh)

    @property
    def body(self) -> str:
        return self._in_language(self.body_en, self.body_zh)

    @property
    def page_names(self) -> list[str]:
        return [p.strip() for p in self.pages.split(",") if p.strip()]


# --- privacy -----------------------------------------------------------------------------------------
class PrivacyNotice(models.Model):
    """A version of the privacy notice people accept at sign-up; the newest published one applies."""

    version = models.CharField(_("version"), max_length=30, unique=True)
    text_en = models.TextField(_("text (English)"))
    text_zh = models.TextField(_("text (Chinese)"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.version

    @property
    def text(self) -> str:
        from django.utils.translation import get_language

        return self.text_zh if (get_language() or "").lower().startswith("zh") else self.text_en

    @classmethod
    def current(cls):
        return cls.objects.filter(published_at__isnull=False).order_by("-published_at", "-id").first()


class PrivacyConsent(models.Model):
    """A person accepted a version of the privacy notice (at sign-up)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_consents"
    )
    notice = models.ForeignKey(PrivacyNotice, verbose_name=_("version"), on_delete=models.PROTECT)
    consented_at = models.DateTimeField(_("accepted"), auto_now_add=True)

    class Meta:
        verbose_name = _("privacy consent")
        verbose_name_plural = _("privacy consents")
        ordering = ["-consented_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "notice"], name="privacy_consent_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.notice_id}"


# --- the enterprise's data ----------------------------------------------------------------------------
class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Failed")
    PURGED = "purged", _("Deleted (retention period over)")


class ArchiveFieldFile(FieldFile):
    def save(self, name, content, save=True):
        # like every stored file: a random name, the extension of the content (a ZIP archive, or
        # whatever customs_portal.uploads sniffs), never the name given
        content.seek(0)
        head = content.read(4)
        content.seek(0)
        stored = f"{uuid.uuid4().hex}.zip" if head == b"PK\x03\x04" else random_name(content)
        super().save(stored, content, save)


class ArchiveFileField(models.FileField):
    attr_class = ArchiveFieldFile


class DataExport(models.Model):
    """An archive of all the enterprise's data, prepared by a Celery task."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="data_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = ArchiveFileField(_("archive"), upload_to="business/exports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("data archive")
        verbose_name_plural = _("data archives")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.created_at:%Y-%m-%d}"


class PurgeLog(models.Model):
    """What one run of the retention rule purged."""

    ran_at = models.DateTimeField(_("time"), auto_now_add=True)
    cutoff = models.DateTimeField(_("purged what closed before"))
    join_requests = models.PositiveIntegerField(_("requests to join"), default=0)
    members = models.PositiveIntegerField(_("removed members' contact details"), default=0)
    archives = models.PositiveIntegerField(_("data archives"), default=0)
    details = models.JSONField(_("what was purged"), default=list)

    class Meta:
        verbose_name = _("purge log entry")
        verbose_name_plural = _("purge log")
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"{self.ran_at:%Y-%m-%d %H:%M}"
