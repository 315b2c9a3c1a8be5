import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from django_otp.models import CooldownMixin, SideChannelDevice, ThrottlingMixin, TimestampMixin
from rest_framework_api_key.models import AbstractAPIKey

from customs_portal.models import StatusHistory
from customs_portal.uploads import SniffedFileField


class Role(models.TextChoices):
    OWNER = "owner", _("Goods owner")
    BROKER = "broker", _("Customs broker")
    ECOMMERCE = "ecommerce", _("Cross-border e-commerce enterprise")
    PLATFORM = "platform", _("E-commerce platform")
    LOGISTICS = "logistics", _("Logistics enterprise")
    PAYMENT = "payment", _("Payment enterprise")


# One boolean column per role: indexable, and filterable the same way on SQLite and PostgreSQL.
ROLE_FIELDS = {role.value: f"is_{role.value}" for role in Role}


class CreditRating(models.TextChoices):
    ADVANCED = "advanced", _("Advanced certified enterprise")
    GENERAL = "general", _("General credit enterprise")
    DISHONEST = "dishonest", _("Dishonest enterprise")


class EnterpriseStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Awaiting verification code")
    PENDING_REVIEW = "pending_review", _("Awaiting customs review")
    CORRECTIONS_REQUESTED = "corrections_requested", _("Corrections requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class EnterpriseQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=EnterpriseStatus.APPROVED)

    def with_role(self, role: str):
        return self.filter(**{ROLE_FIELDS[role]: True})


class Enterprise(models.Model):
    name = models.CharField(_("company name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    customs_code = models.CharField(
        _("customs registration code"), max_length=10, unique=True, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_phone = models.CharField(_("mobile phone"), max_length=20)
    contact_email = models.EmailField(_("e-mail"))
    is_owner = models.BooleanField(_("goods owner"), default=False)
    is_broker = models.BooleanField(_("customs broker"), default=False)
    is_ecommerce = models.BooleanField(_("cross-border e-commerce enterprise"), default=False)
    is_platform = models.BooleanField(_("e-commerce platform"), default=False)
    is_logistics = models.BooleanField(_("logistics enterprise"), default=False)
    is_payment = models.BooleanField(_("payment enterprise"), default=False)
    pilot_zone = models.BooleanField(_("in a comprehensive pilot zone"), default=False)
    credit_rating = models.CharField(
        _("credit rating"), max_length=20, choices=CreditRating.choices, default=CreditRating.GENERAL
    )
    licence_file = SniffedFileField(_("business licence scan"), upload_to="enterprise/licence/", blank=True)
    tax_certificate_file = SniffedFileField(
        _("tax registration certificate scan"), upload_to="enterprise/tax/", blank=True
    )
    status = FSMField(
        _("status"),
        max_length=30,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.UNVERIFIED,
        protected=True,
        db_index=True,
    )
    review_note = models.TextField(_("reviewer's note"), blank=True)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted for review"), null=True, blank=True, db_index=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == EnterpriseStatus.APPROVED

    @property
    def roles(self) -> list[str]:
        return [role for role, field in ROLE_FIELDS.items() if getattr(self, field)]

    def has_role(self, role: str) -> bool:
        return bool(getattr(self, ROLE_FIELDS[role]))

    def get_roles_display(self) -> str:
        return ", ".join(str(Role(role).label) for role in self.roles)

    # --- state machine: the allowed moves, in one place -------------------------------
    @transition(field=status, source=EnterpriseStatus.UNVERIFIED, target=EnterpriseStatus.PENDING_REVIEW)
    def activate(self):
        """The right verification code was entered."""

    @transition(
        field=status, source=EnterpriseStatus.CORRECTIONS_REQUESTED, target=EnterpriseStatus.PENDING_REVIEW
    )
    def resubmit(self):
        """The enterprise fixed what the reviewer asked for."""

    @transition(field=status, source=EnterpriseStatus.PENDING_REVIEW, target=EnterpriseStatus.APPROVED)
    def approve(self):
        """Customs approved; a customs registration code is assigned by the service."""

    @transition(field=status, source=EnterpriseStatus.PENDING_REVIEW, target=EnterpriseStatus.REJECTED)
    def reject(self):
        """Customs rejected, with a reason."""

    @transition(
        field=status, source=EnterpriseStatus.PENDING_REVIEW, target=EnterpriseStatus.CORRECTIONS_REQUESTED
    )
    def request_corrections(self):
        """Customs asked the enterprise to correct its registration, with a reason."""


class EnterpriseHistory(StatusHistory):
    SUBJECT_FIELD = "enterprise"
    STATUS_CHOICES = EnterpriseStatus
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("enterprise history entry")
        verbose_name_plural = _("enterprise history")

    @property
    def to_status_display(self) -> str:
        try:
            return str(EnterpriseStatus(self.to_status).label)
        except ValueError:
            return self.to_status


class NameChangeStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting customs review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class NameChangeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=NameChangeStatus.PENDING)


class NameChange(models.Model):
    """A requested company-name change, with the business licence scan showing the new name.

    Like an authorization change request, it leaves the current terms in force: the enterprise
    stays approved under its current name (its API keys, its users and the lists of others that
    name it keep working) while customs reviews. On approval the enterprise takes the new name
    and licence; the licence it replaces is kept here (``previous_licence_file``), so customs
    can still read every earlier licence. A rejection changes nothing but this row.
    """

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="name_changes"
    )
    old_name = models.CharField(_("current company name"), max_length=200)
    new_name = models.CharField(_("requested new company name"), max_length=200)
    licence_file = SniffedFileField(
        _("business licence scan for the new name"), upload_to="enterprise/licence/"
    )
    previous_licence_file = SniffedFileField(
        _("business licence scan it replaced"), upload_to="enterprise/licence/", blank=True
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=NameChangeStatus.choices,
        default=NameChangeStatus.PENDING,
        protected=True,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(_("reviewer's reason"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = NameChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("company name change")
        verbose_name_plural = _("company name changes")
        ordering = ["created_at", "id"]
        constraints = [
            # one change at a time: a second request waits for the first decision
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(status="pending"),
                name="registration_one_pending_name_change",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_name} → {self.new_name}"

    @transition(field=status, source=NameChangeStatus.PENDING, target=NameChangeStatus.APPROVED)
    def approve(self):
        """Customs approved: the enterprise takes the new name and licence."""

    @transition(field=status, source=NameChangeStatus.PENDING, target=NameChangeStatus.REJECTED)
    def reject(self):
        """Customs refused, with a reason; the enterprise keeps its name and licence."""


class NameChangeHistory(StatusHistory):
    SUBJECT_FIELD = "name_change"
    STATUS_CHOICES = NameChangeStatus
    name_change = models.ForeignKey(NameChange, on_delete=models.CASCADE, related_name="history")

    class Meta(StatusHistory.Meta):
        verbose_name = _("name change history entry")
        verbose_name_plural = _("name change history")

    def _label(self, value: str) -> str:
        try:
            return str(NameChangeStatus(value).label)
        except ValueError:
            return value or "—"

    @property
    def from_status_display(self) -> str:
        return self._label(self.from_status)

    @property
    def to_status_display(self) -> str:
        return self._label(self.to_status)


class User(AbstractUser):
    """A trader (enterprise administrator or operator) or a customs staff member."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="users",
    )
    is_enterprise_admin = models.BooleanField(_("enterprise administrator"), default=False)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    # the language the user reads the portal, notifications, e-mails and SMS in: set at sign-up
    # from the page's language, changed in the profile; the portal switches to it at sign-in
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")


class EnterpriseAPIKey(AbstractAPIKey):
    """A platform's credential: each key speaks for exactly one enterprise."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="api_keys")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")


class SmsDevice(TimestampMixin, CooldownMixin, ThrottlingMixin, SideChannelDevice):
    """A verification code by SMS: django-otp's side-channel device, delivered through
    customs_portal.sms (the pluggable backend). Delivery is done by registration.services."""

    number = models.CharField(_("mobile phone"), max_length=20)

    class Meta(SideChannelDevice.Meta):
        verbose_name = _("SMS device")
        verbose_name_plural = _("SMS devices")

    def get_cooldown_duration(self) -> int:
        return 60  # a new code at most once a minute

    def generate_challenge(self):
        """django-otp's interface: send a fresh code now (registration.services queues it on commit)."""
        from django.utils.translation import gettext

        from customs_portal.sms import send_sms

        allowed, _info = self.generate_is_allowed()
        if not allowed:
            return gettext("A code was sent less than a minute ago.")
        self.cooldown_set(commit=False)
        self.generate_token(valid_secs=600, commit=True)  # valid for 10 minutes
        send_sms(
            self.number,
            gettext(
                "Your enterprise customs portal verification code is %(code)s. It is valid for 10 minutes."
            )
            % {"code": self.token},
        )
        return gettext("Sent by SMS.")

    def get_throttle_factor(self) -> int:
        return 0  # wrong codes are counted by registration.services (five lock verification)


class VerificationThrottle(models.Model):
    """One user's wrong verification codes, whichever the channel.

    ``registration.services.enterprise_verify`` locks this row before it looks at the lock or
    the code, and counts a wrong code under the same lock: concurrent attempts are checked
    one after another, so five wrong codes are five checks, never more.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    failures = models.PositiveIntegerField(_("wrong codes"), default=0)
    last_failure_at = models.DateTimeField(_("last wrong code"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification attempts")
        verbose_name_plural = _("verification attempts")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.failures}"


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An enterprise administrator invites an operator by e-mail; only the token's hash is kept."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


from .credential_models import EnterpriseSecurity, UserSession  # noqa: E402, F401 (models of this app)
