"""Customs reviewers' queue: authorizations and change requests ordered by review due date,
overdue ones flagged, decided through the same services as everything else.

Two reviewers acting on one file at once: the services lock the row, so the second finds the
move no longer allowed and is told so (an error message), never overwriting the first."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from casework.admin import CaseAdminMixin, StatusHistoryInline
from customs_portal import texts
from customs_portal.admin_queues import QueueAdminMixin
from customs_portal.errors import ApplicationError
from customs_portal.uploads import sniffed_type, upload_response

from . import services
from .models import (
    Authorization,
    AuthorizationChange,
    AuthorizationHistory,
    AuthorizationStatus,
    ChangeStatus,
)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}))


class DecisionForm(forms.Form):
    """The decision buttons on one file's page: the same services as the list actions."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason (required to reject or to request supplementary materials)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = decisions


AUTHORIZATION_DECISIONS = {
    "approve": (
        _("Approve"),
        lambda obj, user, reason: services.authorization_approve(authorization=obj, actor=user),
    ),
    "reject": (
        _("Reject"),
        lambda obj, user, reason: services.authorization_reject(authorization=obj, actor=user, reason=reason),
    ),
    "request_supplement": (
        _("Request supplementary materials"),
        lambda obj, user, reason: services.authorization_request_supplement(
            authorization=obj, actor=user, reason=reason
        ),
    ),
}
CHANGE_DECISIONS = {
    "approve": (
        _("Approve the change"),
        lambda obj, user, reason: services.authorization_change_approve(change=obj, actor=user),
    ),
    "reject": (
        _("Reject the change"),
        lambda obj, user, reason: services.authorization_change_reject(change=obj, actor=user, reason=reason),
    ),
}


class DecisionMixin:
    """A "decide" page per file: POST decision (+ reason) → one service call → back to the file.

    A second reviewer deciding a file someone just decided gets the service's error message."""

    decisions: dict = {}
    waiting_status = ""
    change_form_template = "authorization/admin/decision_change_form.html"

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name=f"{opts.app_label}_{opts.model_name}_decide",
            ),
            *super().get_urls(),
        ]

    def decision_form(self, data=None):
        return DecisionForm(data, decisions=[(k, label) for k, (label, _call) in self.decisions.items()])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        # Every field is read-only: a decision is the only way to change a file.
        extra = {"show_save": False, "show_save_and_continue": False, **(extra_context or {})}
        if obj is not None and obj.status == self.waiting_status and self.has_change_permission(request, obj):
            opts = self.model._meta
            extra["decision_form"] = self.decision_form()
            extra["decide_url"] = reverse(f"admin:{opts.app_label}_{opts.model_name}_decide", args=[obj.pk])
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def decide_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        opts = self.model._meta
        back = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        form = self.decision_form(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Choose a decision."), messages.ERROR)
            return HttpResponseRedirect(back)
        _label, call = self.decisions[form.cleaned_data["decision"]]
        try:
            call(obj, request.user, form.cleaned_data["reason"])
        except ApplicationError as exc:
            self.message_user(request, f"{obj}: {exc}", messages.ERROR)
            return HttpResponseRedirect(back)
        self.message_user(request, _("%(object)s: decision recorded.") % {"object": obj}, messages.SUCCESS)
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


class QueueFilter(admin.SimpleListFilter):
    """By default the queue shows only what waits for a decision."""

    title = _("queue")
    parameter_name = "queue"
    waiting_status = AuthorizationStatus.UNDER_REVIEW

    def lookups(self, request, model_admin):
        return [("waiting", _("Awaiting decision")), ("overdue", _("Overdue")), ("all", _("All"))]

    def queryset(self, request, queryset):
        if self.value() in (None, "waiting"):
            return queryset.filter(status=self.waiting_status)
        if self.value() == "overdue":
            return queryset.filter(status=self.waiting_status, review_due_date__lt=timezone.localdate())
        return queryset

    def choices(self, changelist):
        current = self.value() or "waiting"
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class ChangeQueueFilter(QueueFilter):
    waiting_status = ChangeStatus.PENDING


def _overdue(obj, waiting_status) -> bool:
    return bool(
        obj.status == waiting_status and obj.review_due_date and obj.review_due_date < timezone.localdate()
    )


def _run_decision(modeladmin, request, queryset, *, call, done_message, with_reason: bool):
    """Apply ``call(obj, reason)`` to each selected row; ask for the reason first if needed."""
    if with_reason:
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **modeladmin.admin_site.each_context(request),
                "title": _("Give the reason"),
                "objects": queryset,
                "form": form,
                "action": request.POST.get("action"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": modeladmin.model._meta,
            }
            return TemplateResponse(request, "authorization/admin/reason.html", context)
        reason = form.cleaned_data["reason"]
    else:
        reason = ""
    done = 0
    for obj in queryset:
        try:
            call(obj, reason)
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{obj}: {exc}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)
    return None


class HistoryInline(StatusHistoryInline):
    model = AuthorizationHistory
    extra_fields = ("event",)
    ordering = ["at", "id"]


@admin.register(Authorization)
class AuthorizationAdmin(CaseAdminMixin, QueueAdminMixin, DecisionMixin, admin.ModelAdmin):
    decisions = AUTHORIZATION_DECISIONS
    waiting_status = AuthorizationStatus.UNDER_REVIEW
    list_display = [
        "number",
        "principal_name",
        "agent_name",
        "scope",
        "valid_from",
        "valid_to",
        "status",
        "review_due_date",
        "overdue",
    ]
    list_filter = [QueueFilter, "status", "scope"]
    search_fields = ["number", "principal_name", "agent_name", "principal_uscc", "agent_uscc"]
    list_select_related = ["principal", "agent"]
    ordering = ["review_due_date", "id"]
    actions = ["approve_selected", "reject_selected", "request_supplement_selected"]
    inlines = [HistoryInline]
    readonly_fields = [
        "number", "status", "review_due_date", "principal", "principal_name", "principal_uscc",
        "principal_contact_name", "principal_contact_phone", "principal_contact_email", "agent",
        "agent_name", "agent_uscc", "agent_contact_name", "agent_contact_phone", "agent_contact_email",
        "scope", "valid_from", "valid_to", "auto_renew", "initiated_by", "imported",
        "party_details_outdated", "renewed_count", "term_days", "power_of_attorney_preview",
        "documents_links", "created_at",
    ]  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        return _overdue(obj, AuthorizationStatus.UNDER_REVIEW)

    @admin.display(description=_("signed power of attorney"))
    def power_of_attorney_preview(self, obj):
        """The power of attorney on the page, as the registration review shows its scans: a PDF
        embedded, an image inline (the type sniffed from the content, never from the name)."""
        if not obj.power_of_attorney:
            return "—"
        url = reverse("admin:authorization_authorization_poa", args=[obj.pk])
        try:
            with obj.power_of_attorney.open("rb") as handle:
                mime = sniffed_type(handle) or ""
        except FileNotFoundError:
            return format_html('<p class="errornote">{}</p>', _("The file is missing from storage."))
        label = _("signed power of attorney")
        link = format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Open in a new tab"))
        if mime.startswith("image/"):
            shown = format_html('<img src="{}" alt="{}">', url, label)
        elif mime == "application/pdf":
            shown = format_html('<iframe src="{}" title="{}"></iframe>', url, label)
        else:
            shown = ""
        return format_html('<div class="review-doc" data-testid="power-of-attorney">{}{}</div>', link, shown)

    def get_urls(self):
        return [
            path(
                "<int:pk>/power-of-attorney/",
                self.admin_site.admin_view(xframe_options_sameorigin(self.power_of_attorney_view)),
                name="authorization_authorization_poa",
            ),
            *super().get_urls(),
        ]

    def power_of_attorney_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        obj = get_object_or_404(Authorization, pk=pk)
        return upload_response(obj.power_of_attorney, inline=True, download_name="power-of-attorney")

    @admin.display(description=_("documents"))
    def documents_links(self, obj):
        # the power of attorney itself is shown above (power_of_attorney_preview)
        links = [
            (reverse("authorization:document", args=[obj.pk, doc.pk]), str(doc))
            for doc in obj.documents.all()
        ]
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>', links) or "-"

    @admin.action(description=_("Approve the selected authorizations"), permissions=["change"])
    def approve_selected(self, request, queryset):
        return _run_decision(
            self,
            request,
            queryset,
            call=lambda obj, reason: services.authorization_approve(authorization=obj, actor=request.user),
            done_message=_("%(count)s approved."),
            with_reason=False,
        )

    @admin.action(description=_("Reject the selected authorizations (reason)"), permissions=["change"])
    def reject_selected(self, request, queryset):
        return _run_decision(
            self,
            request,
            queryset,
            call=lambda obj, reason: services.authorization_reject(
                authorization=obj, actor=request.user, reason=reason
            ),
            done_message=_("%(count)s rejected."),
            with_reason=True,
        )

    @admin.action(description=_("Request supplementary materials (reason)"), permissions=["change"])
    def request_supplement_selected(self, request, queryset):
        return _run_decision(
            self,
            request,
            queryset,
            call=lambda obj, reason: services.authorization_request_supplement(
                authorization=obj, actor=request.user, reason=reason
            ),
            done_message=_("Supplementary materials requested for %(count)s."),
            with_reason=True,
        )


@admin.register(AuthorizationChange)
class AuthorizationChangeAdmin(QueueAdminMixin, DecisionMixin, admin.ModelAdmin):
    decisions = CHANGE_DECISIONS
    waiting_status = ChangeStatus.PENDING
    list_display = ["authorization", "requested_by", "created_at", "status", "review_due_date", "overdue"]
    list_filter = [ChangeQueueFilter, "status"]
    search_fields = ["authorization__number", "authorization__principal_name", "authorization__agent_name"]
    list_select_related = ["authorization"]
    ordering = ["review_due_date", "id"]
    actions = ["approve_selected", "reject_selected"]
    readonly_fields = [
        "authorization", "requested_by", "status", "review_due_date", "differences_table", "note",
        "change_documents", "decision_reason_text", "created_at", "decided_at",
    ]  # fmt: skip
    fields = readonly_fields

    @admin.display(description=_("reviewer's reason"))
    def decision_reason_text(self, obj) -> str:
        return texts.render(obj.decision_reason)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        return _overdue(obj, ChangeStatus.PENDING)

    @admin.display(description=_("documents"))
    def change_documents(self, obj):
        # Through the permission-checked document views: media files are never served directly.
        links = []
        if obj.power_of_attorney:
            links.append(
                (
                    reverse("authorization:change_poa", args=[obj.authorization_id, obj.pk]),
                    _("new signed power of attorney"),
                )
            )
        for doc in obj.documents.all():
            links.append((reverse("authorization:document", args=[obj.authorization_id, doc.pk]), str(doc)))
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>', links) or "-"

    @admin.display(description=_("what changes"))
    def differences_table(self, obj):
        rows = obj.differences()
        if not rows:
            return "-"
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("field"),
            _("now"),
            _("proposed"),
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.action(description=_("Approve the selected change requests"), permissions=["change"])
    def approve_selected(self, request, queryset):
        return _run_decision(
            self,
            request,
            queryset.select_related("authorization"),
            call=lambda obj, reason: services.authorization_change_approve(change=obj, actor=request.user),
            done_message=_("%(count)s approved."),
            with_reason=False,
        )

    @admin.action(description=_("Reject the selected change requests (reason)"), permissions=["change"])
    def reject_selected(self, request, queryset):
        return _run_decision(
            self,
            request,
            queryset.select_related("authorization"),
            call=lambda obj, reason: services.authorization_change_reject(
                change=obj, actor=request.user, reason=reason
            ),
            done_message=_("%(count)s rejected."),
            with_reason=True,
        )
