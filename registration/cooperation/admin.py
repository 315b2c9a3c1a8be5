"""Customs screens: review annual reports, answer questions, publish policy notices."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from casework.admin import CaseAdminMixin, StatusHistoryInline
from customs_portal.admin_queues import QueueAdminMixin
from customs_portal.errors import ApplicationError
from customs_portal.uploads import validate_document

from . import services
from .models import (
    AnnualReport,
    AnnualReportHistory,
    AnnualReportStatus,
    PolicyNotice,
    Question,
    QuestionMessage,
    QuestionStatus,
)


# --- annual reports -------------------------------------------------------------------------
class AnnualReportReviewForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[("", "—"), ("accept", _("Accept")), ("return", _("Return for correction"))],
    )
    note = forms.CharField(
        label=_("Note to the enterprise (required when returning)"), required=False, widget=forms.Textarea
    )

    class Meta:
        model = AnnualReport
        fields = []


class AnnualReportHistoryInline(StatusHistoryInline):
    model = AnnualReportHistory


@admin.register(AnnualReport)
class AnnualReportAdmin(QueueAdminMixin, admin.ModelAdmin):
    form = AnnualReportReviewForm
    list_display = ["enterprise", "year", "status", "business_status", "submitted_at", "reviewed_at"]
    list_filter = ["status", "year", "business_status"]
    search_fields = ["enterprise__name", "enterprise__customs_code", "enterprise__uscc"]
    list_select_related = ["enterprise"]
    readonly_fields = [
        "enterprise",
        "year",
        "status",
        "business_status",
        "contact_name",
        "contact_phone",
        "contact_email",
        "import_volume",
        "export_volume",
        "staff_count",
        "customs_staff_count",
        "declared_true",
        "submitted_by",
        "submitted_at",
        "review_note",
        "reviewed_at",
    ]
    fieldsets = [
        (None, {"fields": readonly_fields}),
        (_("Review"), {"fields": ["decision", "note"]}),
    ]
    inlines = [AnnualReportHistoryInline]
    actions = ["accept_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        if not decision:
            return
        try:
            services.annual_report_review(
                report=obj,
                reviewer=request.user,
                accept=decision == "accept",
                note=form.cleaned_data.get("note", ""),
            )
        except ApplicationError as exc:
            self.message_user(request, str(exc), level=messages.ERROR)

    @admin.action(description=_("Accept the selected annual reports"), permissions=["change"])
    def accept_selected(self, request, queryset):
        done = 0
        for report in queryset.filter(status=AnnualReportStatus.SUBMITTED):
            try:
                services.annual_report_review(report=report, reviewer=request.user, accept=True)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{report}: {exc}", level=messages.ERROR)
        self.message_user(request, _("%(n)s annual reports accepted.") % {"n": done})


# --- policy notices -------------------------------------------------------------------------
@admin.register(PolicyNotice)
class PolicyNoticeAdmin(QueueAdminMixin, admin.ModelAdmin):
    list_display = ["title", "effective_date", "published_at", "email_on_publish", "emailed_at"]
    list_filter = ["effective_date"]
    search_fields = ["title", "body"]
    readonly_fields = ["published_at", "published_by", "emailed_at"]
    fields = [
        "title",
        "body",
        "effective_date",
        ("for_owner", "for_broker", "for_ecommerce", "for_platform", "for_logistics", "for_payment"),
        "email_on_publish",
        "published_at",
        "published_by",
        "emailed_at",
    ]
    actions = ["publish_selected"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.published_at:
            # once published, what enterprises read does not change under them
            return [f for f in self.fields if isinstance(f, str)] + [
                "for_owner",
                "for_broker",
                "for_ecommerce",
                "for_platform",
                "for_logistics",
                "for_payment",
            ]
        return self.readonly_fields

    @admin.action(description=_("Publish the selected notices"), permissions=["change"])
    def publish_selected(self, request, queryset):
        done = 0
        for notice in queryset:
            try:
                services.policy_notice_publish(notice=notice, actor=request.user)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{notice}: {exc}", level=messages.ERROR)
        self.message_user(request, _("%(n)s notices published.") % {"n": done})


# --- questions ------------------------------------------------------------------------------
class QuestionAnswerForm(forms.ModelForm):
    answer = forms.CharField(label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(
        label=_("Attachment (PDF, JPEG or PNG)"), required=False, validators=[validate_document]
    )
    close = forms.BooleanField(label=_("Close the question"), required=False)

    class Meta:
        model = Question
        fields = []


class QuestionMessageInline(admin.TabularInline):
    model = QuestionMessage
    extra = 0
    can_delete = False
    fields = ["created_at", "from_customs", "author", "text", "files"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Attachments"))
    def files(self, obj):
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse("cooperation:attachment", args=[a.pk]), a.original_name)
                    for a in obj.attachments.all()
                ),
            )
            or "—"
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author").prefetch_related("attachments")


@admin.register(Question)
class QuestionAdmin(CaseAdminMixin, QueueAdminMixin, admin.ModelAdmin):
    form = QuestionAnswerForm
    list_display = [
        "subject",
        "enterprise",
        "category",
        "status",
        "addressed_to",
        "created_at",
        "waiting_since",
    ]
    list_filter = ["status", "category", "addressed_to"]
    search_fields = ["subject", "enterprise__name", "enterprise__customs_code"]
    list_select_related = ["enterprise", "addressed_to"]
    readonly_fields = [
        "enterprise",
        "asked_by",
        "category",
        "subject",
        "addressed_to",
        "status_display",
        "created_at",
        "waiting_since",
    ]
    fieldsets = [
        (None, {"fields": readonly_fields}),
        (_("Reply"), {"fields": ["answer", "attachment", "close"]}),
    ]
    inlines = [QuestionMessageInline]

    @admin.display(description=_("status"))
    def status_display(self, obj):
        css = "overdue" if obj.status == QuestionStatus.OPEN else ""
        return format_html('<span class="{}">{}</span>', css, obj.get_status_display())

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            if form.cleaned_data.get("answer", "").strip():
                files = [form.cleaned_data["attachment"]] if form.cleaned_data.get("attachment") else []
                obj = services.question_answer(
                    question=obj, actor=request.user, text=form.cleaned_data["answer"], files=files
                )
            if form.cleaned_data.get("close"):
                services.question_close(question=obj, actor=request.user)
        except ApplicationError as exc:
            self.message_user(request, str(exc), level=messages.ERROR)
