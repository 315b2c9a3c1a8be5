"""Declaration authorizations: a principal (goods owner / e-commerce enterprise) lets an agent
(customs broker) declare on its behalf, within a scope and a validity period, after customs
has reviewed the signed power of attorney."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from customs_portal import texts
from customs_portal.models import StatusHistory
from customs_portal.uploads import SniffedFileField, validate_document
from registration.models import Enterprise


class AuthorizationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting the other party's confirmation")
    UNDER_REVIEW = "under_review", _("Under customs review")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplementary materials requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    # contexts: registration's "Revoked"/"Created" (an API key, a timestamp) mean something else
    REVOKED = "revoked", pgettext_lazy("authorization status", "Revoked")
    EXPIRED = "expired", _("Expired")


S = AuthorizationStatus
# Statuses in which customs has the file (the reviewers' queue).
REVIEW_STATUSES = (S.UNDER_REVIEW,)
# Statuses that are final: nothing moves out of them.
FINAL_STATUSES = (S.REJECTED, S.REVOKED, S.EXPIRED)


# The goods' direction (进口/出口); a context keeps them apart from "Import"/"Export" of data
# (导入/导出) in other catalogues.
class Scope(models.TextChoices):
    IMPORT = "import", pgettext_lazy("goods direction", "Import")
    EXPORT = "export", pgettext_lazy("goods direction", "Export")
    BOTH = "both", pgettext_lazy("goods direction", "Import and export")


class Direction(models.TextChoices):
    IMPORT = "import", pgettext_lazy("goods direction", "Import")
    EXPORT = "export", pgettext_lazy("goods direction", "Export")


class Party(models.TextChoices):
    PRINCIPAL = "principal", _("Principal (goods owner)")
    AGENT = "agent", _("Agent (customs broker)")


class Authorization(models.Model):
    number = models.CharField(_("authorization number"), max_length=30, unique=True, blank=True, null=True)
    principal = models.ForeignKey(
        Enterprise,
        verbose_name=_("principal"),
        on_delete=models.PROTECT,
        related_name="authorizations_as_principal",
    )
    agent = models.ForeignKey(
        Enterprise,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="authorizations_as_agent",
    )
    # Snapshots of both parties as entered: the document names them as they were then.
    principal_name = models.CharField(_("principal's name"), max_length=200)
    principal_uscc = models.CharField(_("principal's unified social credit code"), max_length=18)
    principal_contact_name = models.CharField(_("principal's contact person"), max_length=100)
    principal_contact_phone = models.CharField(_("principal's contact phone"), max_length=20)
    principal_contact_email = models.EmailField(_("principal's contact e-mail"))
    agent_name = models.CharField(_("agent's name"), max_length=200)
    agent_uscc = models.CharField(_("agent's unified social credit code"), max_length=18)
    agent_contact_name = models.CharField(_("agent's contact person"), max_length=100)
    agent_contact_phone = models.CharField(_("agent's contact phone"), max_length=20)
    agent_contact_email = models.EmailField(_("agent's contact e-mail"))

    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    auto_renew = models.BooleanField(_("automatic renewal"), default=False)
    power_of_attorney = SniffedFileField(
        _("signed power of attorney"),
        upload_to="authorization/poa/%Y/%m/",
        blank=True,
        validators=[validate_document],
    )
    initiated_by = models.CharField(_("initiated by"), max_length=10, choices=Party.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported = models.BooleanField(_("imported in bulk"), default=False)

    status = FSMField(
        _("status"),
        max_length=30,
        choices=AuthorizationStatus.choices,
        default=AuthorizationStatus.DRAFT,
        protected=True,
        db_index=True,
    )
    review_due_date = models.DateField(_("review due"), null=True, blank=True, db_index=True)
    party_details_outdated = models.BooleanField(
        _("party details need updating"),
        default=False,
        help_text=_("A party's company name changed after this authorization was approved."),
    )
    renewed_count = models.PositiveIntegerField(_("times renewed"), default=0)
    # Length of one term in days (both ends counted), fixed when customs approves the terms:
    # automatic renewal adds exactly this many days to valid_to, however often it runs.
    term_days = models.PositiveIntegerField(_("length of one term (days)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("authorization")
        verbose_name_plural = _("authorizations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lt=models.F("valid_to")), name="authorization_valid_from_before_to"
            ),
            models.CheckConstraint(
                condition=~Q(principal=models.F("agent")), name="authorization_parties_differ"
            ),
        ]
        indexes = [
            models.Index(fields=["agent", "principal", "status"], name="authorization_parties_idx"),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    # --- who is who ------------------------------------------------------------------
    def party_of(self, enterprise) -> str | None:
        enterprise_id = getattr(enterprise, "pk", enterprise)
        if enterprise_id == self.principal_id:
            return Party.PRINCIPAL
        if enterprise_id == self.agent_id:
            return Party.AGENT
        return None

    @property
    def confirming_party(self) -> str:
        """The party that must confirm: the one that did not start it."""
        return Party.AGENT if self.initiated_by == Party.PRINCIPAL else Party.PRINCIPAL

    def enterprise_of(self, party: str):
        return self.principal if party == Party.PRINCIPAL else self.agent

    def counterparty_of(self, enterprise):
        return self.agent if self.party_of(enterprise) == Party.PRINCIPAL else self.principal

    def covers(self, direction: str) -> bool:
        return self.scope == Scope.BOTH or self.scope == direction

    @property
    def current_term_days(self) -> int:
        return (self.valid_to - self.valid_from).days + 1

    # --- state machine: the allowed moves, in one place -----------------------------------
    @transition(field=status, source=S.DRAFT, target=S.AWAITING_CONFIRMATION)
    def submit(self):
        """The initiating party sent it to the other party for confirmation."""

    @transition(field=status, source=S.AWAITING_CONFIRMATION, target=S.UNDER_REVIEW)
    def confirm(self):
        """The other party confirmed (or its automatic confirmation did); customs reviews it."""

    @transition(field=status, source=S.UNDER_REVIEW, target=S.APPROVED)
    def approve(self):
        """Customs approved."""

    @transition(field=status, source=S.UNDER_REVIEW, target=S.REJECTED)
    def reject(self):
        """Customs rejected, with a reason."""

    @transition(field=status, source=S.UNDER_REVIEW, target=S.SUPPLEMENT_REQUESTED)
    def request_supplement(self):
        """Customs asked for supplementary materials, with a reason."""

    @transition(field=status, source=S.SUPPLEMENT_REQUESTED, target=S.UNDER_REVIEW)
    def resubmit(self):
        """A party answered the supplement request with new documents."""

    @transition(field=status, source=S.APPROVED, target=S.REVOKED)
    def revoke(self):
        """Either party revoked it, with a reason; effective at once."""

    @transition(field=status, source=S.APPROVED, target=S.EXPIRED)
    def expire(self):
        """The day after valid_to came."""

    # Moves that keep the status (approved) but change the terms; they go through the same
    # locked, history-writing path so that both parties read them in the one timeline.
    @transition(field=status, source=S.APPROVED, target=S.APPROVED)
    def renew(self):
        """Automatic renewal for the same length, counted from the old valid_to."""

    @transition(field=status, source=S.APPROVED, target=S.APPROVED)
    def request_change(self):
        """A party asked to modify the approved terms; the old terms stay in force."""

    @transition(field=status, source=S.APPROVED, target=S.APPROVED)
    def decide_change(self):
        """Customs approved or rejected a change request."""

    @transition(field=status, source=S.APPROVED, target=S.APPROVED)
    def withdraw_change(self):
        """The requesting party withdrew its pending change request."""

    @transition(field=status, source=S.APPROVED, target=S.APPROVED)
    def set_renewal(self):
        """A party switched automatic renewal on or off."""


class HistoryEvent(models.TextChoices):
    CREATED = "created", pgettext_lazy("authorization event", "Created")
    SUBMIT = "submit", _("Sent for confirmation")
    CONFIRM = "confirm", _("Confirmed")
    AUTO_CONFIRM = "auto_confirm", _("Confirmed automatically")
    APPROVE = "approve", _("Approved by customs")
    REJECT = "reject", _("Rejected by customs")
    REQUEST_SUPPLEMENT = "request_supplement", _("Supplementary materials requested")
    RESUBMIT = "resubmit", _("Supplementary materials submitted")
    REVOKE = "revoke", _("Revoked")
    EXPIRE = "expire", _("Expired")
    RENEW = "renew", _("Renewed automatically")
    REQUEST_CHANGE = "request_change", _("Change requested")
    APPROVE_CHANGE = "approve_change", _("Change approved by customs")
    REJECT_CHANGE = "reject_change", _("Change rejected by customs")
    WITHDRAW_CHANGE = "withdraw_change", _("Change request withdrawn")
    RENEWAL_ON = "renewal_on", _("Automatic renewal switched on")
    RENEWAL_OFF = "renewal_off", _("Automatic renewal switched off")
    PARTY_RENAMED = "party_renamed", _("A party's company name changed")
    IMPORT_UPDATE = "import_update", _("Terms updated by the broker's import")


class AuthorizationHistory(StatusHistory):
    SUBJECT_FIELD = "authorization"
    STATUS_CHOICES = AuthorizationStatus
    authorization = models.ForeignKey(Authorization, on_delete=models.CASCADE, related_name="history")
    event = models.CharField(_("event"), max_length=30, choices=HistoryEvent.choices, blank=True)
    change = models.ForeignKey(
        "AuthorizationChange",
        verbose_name=_("change request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(StatusHistory.Meta):
        verbose_name = _("authorization history entry")
        verbose_name_plural = _("authorization history")

    def get_from_status_display(self) -> str:
        return str(AuthorizationStatus(self.from_status).label) if self.from_status else ""

    def get_to_status_display(self) -> str:
        return str(AuthorizationStatus(self.to_status).label) if self.to_status else ""


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting customs review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AuthorizationChange(models.Model):
    """Proposed new terms for an approved authorization; the old terms stay in force until
    customs approves this."""

    authorization = models.ForeignKey(
        Authorization, verbose_name=_("authorization"), on_delete=models.CASCADE, related_name="changes"
    )
    requested_by = models.CharField(_("requested by"), max_length=10, choices=Party.choices)
    requested_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    principal_contact_name = models.CharField(_("principal's contact person"), max_length=100)
    principal_contact_phone = models.CharField(_("principal's contact phone"), max_length=20)
    principal_contact_email = models.EmailField(_("principal's contact e-mail"))
    agent_contact_name = models.CharField(_("agent's contact person"), max_length=100)
    agent_contact_phone = models.CharField(_("agent's contact phone"), max_length=20)
    agent_contact_email = models.EmailField(_("agent's contact e-mail"))
    power_of_attorney = SniffedFileField(
        _("new signed power of attorney"),
        upload_to="authorization/poa/%Y/%m/",
        blank=True,
        validators=[validate_document],
    )
    note = models.TextField(_("what changes and why"), blank=True)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ChangeStatus.choices,
        default=ChangeStatus.PENDING,
        protected=True,
        db_index=True,
    )
    review_due_date = models.DateField(_("review due"), null=True, blank=True, db_index=True)
    # what the reviewer typed, kept as typed; or the system's own reason (the authorization
    # expired, was revoked) as a stored text, read in each reader's language
    decision_reason = texts.StoredTextField(_("reviewer's reason"))
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["review_due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lt=models.F("valid_to")),
                name="authorization_change_valid_from_before_to",
            ),
            models.UniqueConstraint(
                fields=["authorization"],
                condition=Q(status="pending"),
                name="authorization_one_pending_change",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authorization} ({self.get_status_display()})"

    @transition(field=status, source=ChangeStatus.PENDING, target=ChangeStatus.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=ChangeStatus.PENDING, target=ChangeStatus.REJECTED)
    def reject(self):
        pass

    @transition(field=status, source=ChangeStatus.PENDING, target=ChangeStatus.WITHDRAWN)
    def withdraw(self):
        pass

    def differences(self) -> list[tuple[str, str, str]]:
        """(field label, current value, proposed value) for what this request changes."""
        auth = self.authorization
        rows = []
        for name in (
            "scope",
            "valid_from",
            "valid_to",
            "principal_contact_name",
            "principal_contact_phone",
            "principal_contact_email",
            "agent_contact_name",
            "agent_contact_phone",
            "agent_contact_email",
        ):
            old, new = getattr(auth, name), getattr(self, name)
            if old != new:
                label = str(self._meta.get_field(name).verbose_name)
                if name == "scope":
                    old, new = auth.get_scope_display(), self.get_scope_display()
                rows.append((label, str(old), str(new)))
        if self.power_of_attorney:
            rows.append((str(_("signed power of attorney")), "", str(_("new document"))))
        return rows


class AuthorizationDocument(models.Model):
    """A supplementary document (answer to a supplement request, or attached to a change)."""

    authorization = models.ForeignKey(
        Authorization, verbose_name=_("authorization"), on_delete=models.CASCADE, related_name="documents"
    )
    change = models.ForeignKey(
        AuthorizationChange,
        verbose_name=_("change request"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    file = SniffedFileField(
        _("file"), upload_to="authorization/documents/%Y/%m/", validators=[validate_document]
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by_party = models.CharField(_("uploaded by"), max_length=10, choices=Party.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("supplementary document")
        verbose_name_plural = _("supplementary documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.description or self.file.name.rsplit("/", 1)[-1]


class AuthorizationPreference(models.Model):
    """An enterprise's own settings for authorizations."""

    enterprise = models.OneToOneField(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="authorization_preference",
    )
    auto_confirm_partners = models.BooleanField(
        _("confirm requests from existing partners automatically"),
        default=False,
        help_text=_(
            "A request from an enterprise with which you already have an authorization that customs "
            "approved (in force or expired) goes straight to customs review."
        ),
    )

    class Meta:
        verbose_name = _("authorization preference")
        verbose_name_plural = _("authorization preferences")

    def __str__(self) -> str:
        return str(self.enterprise)
