"""Customs screens: decide contested clearance errors; the business settings."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from customs_portal.admin_queues import QueueAdminMixin
from customs_portal.errors import ApplicationError

from . import services
from .models import (
    AssessmentSection,
    BusinessSettings,
    CertificationApplication,
    CertificationHistory,
    CertificationVisit,
    ClearanceErrorContest,
    ClearanceErrorContestHistory,
    ContestStatus,
    CoordinatingOfficer,
    DataExport,
    EnterpriseProfile,
    HelpArticle,
    IssuedDocument,
    PrivacyConsent,
    PrivacyNotice,
    PurgeLog,
    RatingChange,
    SelfAssessmentAnswer,
)


@admin.register(BusinessSettings)
class BusinessSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "contest_review_working_days", "hotline"]

    def has_add_permission(self, request):
        return not BusinessSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class ContestDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[("", "—"), ("uphold", _("Uphold: correct the entry")), ("dismiss", _("Dismiss"))],
    )
    note = forms.CharField(
        label=_("Reasons for the enterprise (required when dismissing)"),
        required=False,
        widget=forms.Textarea,
    )

    class Meta:
        model = ClearanceErrorContest
        fields = []


class ContestHistoryInline(admin.TabularInline):
    model = ClearanceErrorContestHistory
    extra = 0
    can_delete = False
    fields = ["at", "actor_display", "from_status_label", "to_status_label", "reason_text"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ClearanceErrorContest)
class ClearanceErrorContestAdmin(QueueAdminMixin, admin.ModelAdmin):
    form = ContestDecisionForm
    list_display = ["inventory_label", "enterprise", "status", "submitted_at", "due_display"]
    list_filter = ["status"]
    search_fields = [
        "enterprise__name",
        "enterprise__customs_code",
        "inventory__invt_no",
        "inventory__cop_no",
    ]
    list_select_related = ["enterprise", "inventory"]
    readonly_fields = [
        "enterprise",
        "inventory_label",
        "entry_status",
        "entry_reasons",
        "reasons",
        "files",
        "status",
        "submitted_by",
        "submitted_at",
        "due_display",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    fieldsets = [
        (None, {"fields": readonly_fields}),
        (_("Decision"), {"fields": ["decision", "note"]}),
    ]
    inlines = [ContestHistoryInline]

    @admin.display(description=_("declaration list"))
    def inventory_label(self, obj):
        return obj.inventory.invt_no or obj.inventory.cop_no

    @admin.display(description=_("status of the list"))
    def entry_status(self, obj):
        return obj.inventory.get_status_display()

    @admin.display(description=_("reasons customs gave"))
    def entry_reasons(self, obj):
        from customs_portal.templatetags.texts import return_reason

        return "; ".join(str(return_reason(r)) for r in obj.inventory.return_reasons or []) or "—"

    @admin.display(description=_("Attachments"))
    def files(self, obj):
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse("business:contest_attachment", args=[a.pk]), a.original_name)
                    for a in obj.attachments.all()
                ),
            )
            or "—"
        )

    @admin.display(description=_("review due by"), ordering="due_date")
    def due_display(self, obj):
        if obj.due_date is None:
            return "—"
        overdue = obj.status == ContestStatus.SUBMITTED and obj.due_date < timezone.localdate()
        return format_html(
            '<span class="{}">{}</span>', "overdue" if overdue else "", obj.due_date.isoformat()
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        if not decision:
            return
        try:
            services.contest_decide(
                contest=obj,
                reviewer=request.user,
                uphold=decision == "uphold",
                note=form.cleaned_data.get("note", ""),
            )
        except ApplicationError as exc:
            self.message_user(request, str(exc), level=messages.ERROR)


# --- coordinating officers, their enterprises, issued certificates -------------------------------
@admin.register(CoordinatingOfficer)
class CoordinatingOfficerAdmin(admin.ModelAdmin):
    list_display = ["name", "office", "phone", "hours", "active"]
    list_filter = ["active", "office"]
    search_fields = ["name", "office", "phone"]
    raw_id_fields = ["user"]


@admin.register(EnterpriseProfile)
class EnterpriseProfileAdmin(QueueAdminMixin, admin.ModelAdmin):
    """Customs assigns each enterprise its coordinating officer here."""

    list_display = ["enterprise", "officer", "officer_assigned_at", "licence_valid_to"]
    list_filter = ["officer"]
    search_fields = ["enterprise__name", "enterprise__customs_code", "enterprise__uscc"]
    list_select_related = ["enterprise", "officer"]
    autocomplete_fields = ["enterprise", "officer"]
    fields = ["enterprise", "officer", "officer_assigned_at", "licence_valid_to"]
    readonly_fields = ["officer_assigned_at"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "enterprise"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        officer = form.cleaned_data.get("officer")
        services.officer_assign(enterprise=obj.enterprise, officer=officer, actor=request.user)
        EnterpriseProfile.objects.filter(pk=obj.enterprise_id).update(
            licence_valid_to=form.cleaned_data.get("licence_valid_to")
        )
        obj.pk = obj.enterprise_id

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(QueueAdminMixin, admin.ModelAdmin):
    list_display = ["code", "kind", "enterprise", "authorization", "issued_at"]
    list_filter = ["kind"]
    search_fields = ["code", "enterprise__name", "enterprise__customs_code", "authorization__number"]
    list_select_related = ["enterprise", "authorization"]
    readonly_fields = ["code", "kind", "enterprise", "authorization", "issued_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- certification -----------------------------------------------------------------------------------
@admin.register(AssessmentSection)
class AssessmentSectionAdmin(admin.ModelAdmin):
    """The self-assessment's sections, in both languages; retire a section rather than delete it."""

    list_display = ["order", "title_en", "title_zh", "active"]
    list_display_links = ["title_en"]
    list_editable = ["order", "active"]
    search_fields = ["title_en", "title_zh"]

    def has_delete_permission(self, request, obj=None):
        return False


class CertificationReviewForm(forms.ModelForm):
    step = forms.ChoiceField(
        label=_("Step"),
        required=False,
        choices=[
            ("", "—"),
            ("more", _("Ask for more")),
            ("visit", _("Record an on-site visit")),
            ("grant", _("Grant the rating")),
            ("refuse", _("Refuse")),
        ],
    )
    note = forms.CharField(
        label=_("Note to the enterprise (what to add, or the reasons)"), required=False, widget=forms.Textarea
    )
    visited_on = forms.DateField(label=_("Visit date"), required=False)
    officers = forms.CharField(label=_("Officers who visited"), required=False, max_length=300)
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea)
    effective_date = forms.DateField(label=_("Rating effective from"), required=False)
    valid_until = forms.DateField(label=_("Certification valid until"), required=False)

    class Meta:
        model = CertificationApplication
        fields = []


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AnswerInline(_ReadOnlyInline):
    model = SelfAssessmentAnswer
    fields = ["section", "meets", "explanation"]
    readonly_fields = fields


class VisitInline(_ReadOnlyInline):
    model = CertificationVisit
    fields = ["visited_on", "officers", "findings", "recorded_by"]
    readonly_fields = fields


class CertificationHistoryInline(_ReadOnlyInline):
    model = CertificationHistory
    fields = ["at", "actor_display", "from_status_label", "to_status_label", "reason_text"]
    readonly_fields = fields


@admin.register(CertificationApplication)
class CertificationApplicationAdmin(QueueAdminMixin, admin.ModelAdmin):
    form = CertificationReviewForm
    list_display = ["enterprise", "requested_rating", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "requested_rating"]
    search_fields = ["enterprise__name", "enterprise__customs_code", "enterprise__uscc"]
    list_select_related = ["enterprise"]
    readonly_fields = [
        "enterprise",
        "current_rating",
        "requested_rating",
        "statement",
        "status",
        "submitted_by",
        "submitted_at",
        "report_links",
        "request_note",
        "decision_note",
        "decided_at",
    ]
    fieldsets = [
        (None, {"fields": readonly_fields}),
        (
            _("Review"),
            {
                "fields": [
                    "step",
                    "note",
                    "visited_on",
                    "officers",
                    "findings",
                    "effective_date",
                    "valid_until",
                ]
            },
        ),
    ]
    inlines = [AnswerInline, VisitInline, CertificationHistoryInline]

    @admin.display(description=_("current rating"))
    def current_rating(self, obj):
        return obj.enterprise.get_credit_rating_display()

    @admin.display(description=_("supporting reports"))
    def report_links(self, obj):
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse("business:certification_report", args=[r.pk]), r.original_name)
                    for r in obj.reports.all()
                ),
            )
            or "—"
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        from . import certification

        data = form.cleaned_data
        step = data.get("step")
        try:
            if step == "more":
                certification.certification_request_more(
                    application=obj, reviewer=request.user, note=data["note"]
                )
            elif step == "visit":
                certification.certification_visit_record(
                    application=obj,
                    reviewer=request.user,
                    visited_on=data.get("visited_on"),
                    officers=data.get("officers", ""),
                    findings=data.get("findings", ""),
                )
            elif step in ("grant", "refuse"):
                certification.certification_decide(
                    application=obj,
                    reviewer=request.user,
                    grant=step == "grant",
                    note=data.get("note", ""),
                    effective_date=data.get("effective_date"),
                    valid_until=data.get("valid_until"),
                )
        except ApplicationError as exc:
            self.message_user(request, str(exc), level=messages.ERROR)


@admin.register(RatingChange)
class RatingChangeAdmin(QueueAdminMixin, admin.ModelAdmin):
    list_display = ["enterprise", "from_rating", "to_rating", "effective_date", "valid_until", "applied"]
    list_filter = ["to_rating", "applied"]
    search_fields = ["enterprise__name", "enterprise__customs_code"]
    list_select_related = ["enterprise"]
    readonly_fields = [f.name for f in RatingChange._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HelpArticle)
class HelpArticleAdmin(admin.ModelAdmin):
    list_display = ["title_en", "title_zh", "slug", "pages", "published", "updated_at"]
    list_filter = ["published"]
    search_fields = ["title_en", "title_zh", "body_en", "body_zh", "pages"]
    prepopulated_fields = {"slug": ["title_en"]}
    fields = ["title_en", "title_zh", "slug", "body_en", "body_zh", "pages", "published"]


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    """A published version never changes: publish a new version instead."""

    list_display = ["version", "published_at"]
    fields = ["version", "text_en", "text_zh", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["version", "text_en", "text_zh", "published_at"] if obj and obj.published_at else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PrivacyConsent)
class PrivacyConsentAdmin(QueueAdminMixin, admin.ModelAdmin):
    list_display = ["user", "notice", "consented_at"]
    list_filter = ["notice"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user", "notice"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DataExport)
class DataExportAdmin(QueueAdminMixin, admin.ModelAdmin):
    list_display = ["enterprise", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["enterprise__name", "enterprise__customs_code"]
    list_select_related = ["enterprise"]
    fields = ["enterprise", "requested_by", "status", "progress", "created_at", "finished_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PurgeLog)
class PurgeLogAdmin(admin.ModelAdmin):
    """What the retention rule purged, run by run."""

    list_display = ["ran_at", "cutoff", "join_requests", "members", "archives"]
    readonly_fields = ["ran_at", "cutoff", "join_requests", "members", "archives", "details"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
