"""Customs screens for registrations: the review queue, a review page per enterprise (details,
the uploaded scans inline, history, decision), enterprises, users and API keys.

The admin site itself requires a verified TOTP device (customs_portal/urls.py). The scans
are never public media: they are streamed by ``document_view`` to staff who may view
enterprises.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from rest_framework_api_key.admin import APIKeyModelAdmin

from casework.admin import CaseAdminMixin, StatusHistoryInline
from customs_portal.admin_queues import QueueAdminMixin
from customs_portal.errors import ApplicationError
from customs_portal.uploads import sniffed_type, upload_response

from . import review
from .models import (
    Enterprise,
    EnterpriseAPIKey,
    EnterpriseHistory,
    EnterpriseStatus,
    NameChange,
    NameChangeHistory,
    NameChangeStatus,
    User,
)

QUEUE_PAGE_SIZE = 50
DOCUMENT_FIELDS = {
    "licence": "licence_file",
    "tax": "tax_certificate_file",
}

# Texts of the review templates (templates/admin/registration/...), kept here so that the
# registration catalogue, which covers this module, translates them.
REVIEW_LABELS = {
    "queue_empty": _("No registration is waiting for review."),
    "waiting_since": _("Waiting since"),
    "company": _("Company"),
    "uscc": _("USCC"),
    "roles": _("Roles"),
    "contact": _("Contact"),
    "review": _("Review"),
    "all_enterprises": _("All enterprises"),
    "queue": _("Review queue"),
    "details": _("Registration details"),
    "documents": _("Uploaded documents"),
    "no_documents": _("No documents were uploaded."),
    "missing_document": _("The file is missing from storage."),
    "open_document": _("Open in a new tab"),
    "history": _("History"),
    "no_history": _("No history yet."),
    "when": _("When"),
    "who": _("Who"),
    "from": _("From"),
    "to": _("To"),
    "why": _("Reason"),
    "decision": _("Decision"),
    "approve": _("Approve and assign a customs registration code"),
    "reject": _("Reject"),
    "corrections": _("Ask for corrections"),
    "not_pending": _("This registration is not awaiting review; no decision can be taken."),
    "read_only": _("You may view this registration but not decide on it."),
    "submit": _("Record the decision"),
    "name_changes": _("Company name changes"),
    "previous_licences": _("Earlier business licences"),
    "name_change_queue": _("Name changes awaiting review"),
}

# Texts of the name-change screens (templates/admin/registration/namechange/...).
NAME_CHANGE_LABELS = {
    **REVIEW_LABELS,
    "queue": _("Name changes awaiting review"),
    "queue_empty": _("No company name change is waiting for review."),
    "all_changes": _("All company name changes"),
    "requested_at": _("Requested"),
    "current_name": _("Current company name"),
    "new_name": _("Requested new company name"),
    "details": _("Requested change"),
    "not_pending": _("This name change is not awaiting review; no decision can be taken."),
    "read_only": _("You may view this name change but not decide on it."),
    "still_approved": _(
        "The enterprise stays approved under its current name while this change is reviewed."
    ),
}


class ReviewDecisionForm(forms.Form):
    DECISIONS = {
        "approve": review.enterprise_approve,
        "reject": review.enterprise_reject,
        "corrections": review.enterprise_request_corrections,
    }
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("approve", _("Approve")),
            ("reject", _("Reject")),
            ("corrections", _("Ask for corrections")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason (required to reject or ask for corrections; the enterprise reads it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )


class EnterpriseHistoryInline(StatusHistoryInline):
    model = EnterpriseHistory


@admin.register(Enterprise)
class EnterpriseAdmin(CaseAdminMixin, QueueAdminMixin, admin.ModelAdmin):
    list_display = ["name", "uscc", "customs_code", "status", "roles_display", "submitted_at", "review_link"]
    list_filter = ["status", "credit_rating", "pilot_zone", "is_broker", "is_ecommerce", "is_platform"]
    search_fields = ["name", "uscc", "customs_code", "contact_name", "contact_email"]
    ordering = ["name"]
    inlines = [EnterpriseHistoryInline]
    # The enterprise record changes only through services (review decisions, the trader's own
    # profile pages, import_enterprises), so that every change is checked and logged.
    readonly_fields = [
        "name",
        "uscc",
        "customs_code",
        "status",
        "address",
        "legal_representative",
        "contact_name",
        "contact_phone",
        "contact_email",
        "roles_display",
        "pilot_zone",
        "credit_rating",
        "documents",
        "review_note",
        "created_at",
        "submitted_at",
        "approved_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("roles"))
    def roles_display(self, obj):
        return obj.get_roles_display()

    @admin.display(description=_("review"))
    def review_link(self, obj):
        if obj.status != EnterpriseStatus.PENDING_REVIEW:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:registration_enterprise_review", args=[obj.pk]), _("Review")
        )

    @admin.display(description=_("documents"))
    def documents(self, obj):
        links = [
            format_html('<a href="{}" target="_blank">{}</a>', url, label)
            for label, url in _document_urls(obj)
        ]
        return format_html(" · ".join(["{}"] * len(links)), *links) if links else "—"

    # --- custom pages ---------------------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("queue/", view(self.queue_view), name="registration_enterprise_queue"),
            path("<int:pk>/review/", view(self.review_view), name="registration_enterprise_review"),
            path(
                "<int:pk>/document/<str:kind>/",
                view(xframe_options_sameorigin(self.document_view)),
                name="registration_enterprise_document",
            ),
            *super().get_urls(),
        ]

    def queue_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Registrations awaiting review"),
            "page_obj": Paginator(review.review_queue(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page")),
            "labels": REVIEW_LABELS,
            # name changes have a queue of their own (the enterprise stays approved meanwhile)
            "name_change_queue_url": reverse("admin:registration_namechange_queue")
            if request.user.has_perm("registration.view_namechange")
            else "",
        }
        return TemplateResponse(request, "admin/registration/enterprise/review_queue.html", context)

    def review_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        enterprise = get_object_or_404(Enterprise, pk=pk)
        can_decide = self.has_change_permission(request, enterprise)
        form = ReviewDecisionForm(request.POST or None)
        if request.method == "POST":
            if not can_decide:
                raise PermissionDenied
            if form.is_valid():
                decide = ReviewDecisionForm.DECISIONS[form.cleaned_data["decision"]]
                kwargs = {"enterprise": enterprise, "reviewer": request.user}
                if form.cleaned_data["decision"] != "approve":
                    kwargs["reason"] = form.cleaned_data["reason"]
                try:
                    done = decide(**kwargs)
                except ApplicationError as exc:
                    if exc.field == "reason":
                        form.add_error("reason", str(exc))
                    else:
                        self.message_user(request, str(exc), level=messages.ERROR)
                        return HttpResponseRedirect(request.path)
                else:
                    self.message_user(
                        request,
                        _("%(name)s: %(status)s.") % {"name": done.name, "status": done.get_status_display()},
                        level=messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:registration_enterprise_queue"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Review: %(name)s") % {"name": enterprise.name},
            "enterprise": enterprise,
            "documents": _document_urls(enterprise, with_type=True),
            "name_changes": _name_changes_for(request, enterprise),
            "history": _history(enterprise),
            "fields": {f.name: f.verbose_name for f in Enterprise._meta.fields},
            "form": form,
            "can_decide": can_decide and enterprise.status == EnterpriseStatus.PENDING_REVIEW,
            "labels": REVIEW_LABELS,
            "case_panel": self.case_panel_context(request, enterprise),
        }
        return TemplateResponse(request, "admin/registration/enterprise/review.html", context)

    def document_view(self, request, pk: int, kind: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        enterprise = get_object_or_404(Enterprise, pk=pk)
        field = DOCUMENT_FIELDS.get(kind)
        document = getattr(enterprise, field, None) if field else None
        return upload_response(document, inline=True, download_name=kind)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "queue_url": reverse("admin:registration_enterprise_queue"),
            "queue_label": REVIEW_LABELS["queue"],
        }
        return super().changelist_view(request, extra_context)


def _name_changes_for(request, enterprise):
    """The enterprise's name changes, linked to their review pages, for staff who may read them
    (each approved one keeps the licence it replaced)."""
    if not request.user.has_perm("registration.view_namechange"):
        return []
    return list(enterprise.name_changes.order_by("-created_at", "-id"))


def _history(enterprise):
    entries = list(enterprise.history.select_related("actor"))
    labels = dict(EnterpriseStatus.choices)
    for entry in entries:
        entry.from_label = labels.get(entry.from_status, entry.from_status or "—")
        entry.to_label = labels.get(entry.to_status, entry.to_status)
    return entries


def _document_urls(enterprise, *, with_type: bool = False):
    labels = {
        "licence": _("Business licence"),
        "tax": _("Tax registration certificate"),
    }
    out = []
    for kind, field in DOCUMENT_FIELDS.items():
        document = getattr(enterprise, field, None)
        if not document:
            continue
        url = reverse("admin:registration_enterprise_document", args=[enterprise.pk, kind])
        if with_type:
            out.append(_inline_document(labels[kind], url, document))
        else:
            out.append((labels[kind], url))
    return out


def _inline_document(label, url, document) -> dict:
    """What the review templates need to show a stored scan inline (type sniffed from content)."""
    try:
        with document.open("rb") as handle:
            mime = sniffed_type(handle) or ""
    except FileNotFoundError:
        mime = "missing"
    return {"label": label, "url": url, "mime": mime, "is_image": mime.startswith("image/")}


class NameChangeDecisionForm(forms.Form):
    DECISIONS = {"approve": review.name_change_approve, "reject": review.name_change_reject}
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
    )
    reason = forms.CharField(
        label=_("Reason (required to reject; the enterprise reads it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )


@admin.register(NameChange)
class NameChangeAdmin(QueueAdminMixin, admin.ModelAdmin):
    """Requested company-name changes: a queue, a review page with the current and the new (or,
    once approved, the previous) licence side by side, and the decision."""

    list_display = ["enterprise", "old_name", "new_name", "status", "created_at", "decided_at", "review_link"]
    list_filter = ["status"]
    list_select_related = ["enterprise"]
    search_fields = [
        "old_name",
        "new_name",
        "enterprise__name",
        "enterprise__uscc",
        "enterprise__customs_code",
    ]
    ordering = ["-created_at", "-id"]
    # decided only through the review page (registration.review), never edited by hand
    readonly_fields = [
        "enterprise",
        "old_name",
        "new_name",
        "status",
        "requested_by",
        "created_at",
        "reviewer",
        "decided_at",
        "decision_reason",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("review"))
    def review_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:registration_namechange_review", args=[obj.pk]), _("Review")
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("queue/", view(self.queue_view), name="registration_namechange_queue"),
            path("<int:pk>/review/", view(self.review_view), name="registration_namechange_review"),
            path(
                "<int:pk>/document/<str:kind>/",
                view(xframe_options_sameorigin(self.document_view)),
                name="registration_namechange_document",
            ),
            *super().get_urls(),
        ]

    def queue_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": NAME_CHANGE_LABELS["queue"],
            "page_obj": Paginator(review.name_change_queue(), QUEUE_PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
            "labels": NAME_CHANGE_LABELS,
        }
        return TemplateResponse(request, "admin/registration/namechange/review_queue.html", context)

    def review_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        change = get_object_or_404(
            NameChange.objects.select_related("enterprise", "requested_by", "reviewer"), pk=pk
        )
        can_decide = self.has_change_permission(request, change)
        form = NameChangeDecisionForm(request.POST or None)
        if request.method == "POST":
            if not can_decide:
                raise PermissionDenied
            if form.is_valid():
                decision = form.cleaned_data["decision"]
                kwargs = {"name_change": change, "reviewer": request.user}
                if decision == "reject":
                    kwargs["reason"] = form.cleaned_data["reason"]
                try:
                    done = NameChangeDecisionForm.DECISIONS[decision](**kwargs)
                except ApplicationError as exc:
                    if exc.field == "reason":
                        form.add_error("reason", str(exc))
                    else:
                        # e.g. another reviewer decided it a moment ago: say so, show the page afresh
                        self.message_user(request, str(exc), level=messages.ERROR)
                        return HttpResponseRedirect(request.path)
                else:
                    self.message_user(
                        request,
                        _("%(change)s: %(status)s.") % {"change": done, "status": done.get_status_display()},
                        level=messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:registration_namechange_queue"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Name change: %(old)s → %(new)s") % {"old": change.old_name, "new": change.new_name},
            "change": change,
            "enterprise": change.enterprise,
            "documents": _name_change_documents(change),
            "history": _name_change_history(change),
            "fields": {f.name: f.verbose_name for f in NameChange._meta.fields},
            "enterprise_fields": {f.name: f.verbose_name for f in Enterprise._meta.fields},
            "form": form,
            "can_decide": can_decide and change.status == NameChangeStatus.PENDING,
            "is_pending": change.status == NameChangeStatus.PENDING,
            "labels": NAME_CHANGE_LABELS,
        }
        return TemplateResponse(request, "admin/registration/namechange/review.html", context)

    def document_view(self, request, pk: int, kind: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        change = get_object_or_404(NameChange.objects.select_related("enterprise"), pk=pk)
        documents = {
            "new": change.licence_file,
            "previous": change.previous_licence_file,
            "current": change.enterprise.licence_file,
        }
        return upload_response(documents.get(kind), inline=True, download_name=f"licence-{kind}")

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "queue_url": reverse("admin:registration_namechange_queue"),
            "queue_label": NAME_CHANGE_LABELS["queue"],
        }
        return super().changelist_view(request, extra_context)


def _name_change_documents(change: NameChange) -> list[dict]:
    """The licences a reviewer compares: while pending (or refused) the enterprise's current one
    and the one showing the new name; once approved, the new one and the one it replaced."""

    def url(kind):
        return reverse("admin:registration_namechange_document", args=[change.pk, kind])

    if change.status == NameChangeStatus.APPROVED:
        pairs = [
            (
                _("Business licence for the new name (in force since the approval)"),
                "new",
                change.licence_file,
            ),
            (
                _("Previous business licence (replaced by this change)"),
                "previous",
                change.previous_licence_file,
            ),
        ]
    else:
        pairs = [
            (_("Current business licence"), "current", change.enterprise.licence_file),
            (_("Business licence for the new name"), "new", change.licence_file),
        ]
    return [_inline_document(label, url(kind), document) for label, kind, document in pairs if document]


def _name_change_history(change: NameChange):
    return list(NameChangeHistory.objects.filter(name_change=change).select_related("actor"))


@admin.register(User)
class PortalUserAdmin(QueueAdminMixin, UserAdmin):
    list_display = ["username", "email", "enterprise", "is_enterprise_admin", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_enterprise_admin", "is_active", "groups"]
    list_select_related = ["enterprise"]
    search_fields = ["username", "email", "enterprise__name", "enterprise__customs_code"]
    raw_id_fields = ["enterprise"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Enterprise"), {"fields": ["enterprise", "is_enterprise_admin", "phone"]}),
    ]


@admin.register(EnterpriseAPIKey)
class EnterpriseAPIKeyAdmin(QueueAdminMixin, APIKeyModelAdmin):
    list_display = ["prefix", "name", "enterprise", "created", "revoked"]
    list_select_related = ["enterprise"]
    search_fields = ["name", "prefix", "enterprise__name", "enterprise__customs_code"]
    raw_id_fields = ["enterprise", "created_by"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # the same rule as api_key_create: only an approved enterprise has API keys
        if db_field.name == "enterprise":
            kwargs["queryset"] = Enterprise.objects.approved()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
