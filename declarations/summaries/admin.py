"""Customs reviewers' queue of submitted summary forms: accept with the 18-digit declaration
number, or return with a reason. Both go through the services (run_transition: the row is
locked, so of two reviewers deciding at once the second is told the form was decided)."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from casework.admin import CaseAdminMixin, StatusHistoryInline
from customs_portal.admin_queues import QueueAdminMixin
from customs_portal.code_tables.admin import code_display
from customs_portal.errors import ApplicationError
from customs_portal.permissions import user_has_staff_role
from declarations.returns.models import SummaryAmendment

from . import services
from .models import (
    REVIEW_STATUSES,
    SummaryForm,
    SummaryFormHistory,
    SummaryLine,
    SummaryResult,
    SummaryStatistic,
)


class AcceptForm(forms.Form):
    declaration_no = forms.CharField(label=_("Declaration number (18 digits)"), max_length=18, min_length=18)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60})
    )


class ResultUploadForm(forms.Form):
    """A CEB792 file: bounded and sniffed here, read by results.result_parse (schema and all)."""

    file = forms.FileField(label=_("CEB792 summary result message (XML)"))

    def clean_file(self):
        from declarations.ceb import MAX_MESSAGE_BYTES

        upload = self.cleaned_data["file"]
        if upload.size > MAX_MESSAGE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB.") % {"limit": MAX_MESSAGE_BYTES // (1024 * 1024)}
            )
        body = upload.read(MAX_MESSAGE_BYTES + 1)
        start = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if start != b"<":
            raise forms.ValidationError(_("This is not an XML file: upload the CEB792 message as received."))
        return body


class QueueFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("waiting", _("Awaiting decision")), ("all", _("All"))]

    def queryset(self, request, queryset):
        if self.value() in (None, "waiting"):
            return queryset.filter(status__in=REVIEW_STATUSES)
        return queryset

    def choices(self, changelist):
        current = self.value() or "waiting"
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class OverdueFilter(admin.SimpleListFilter):
    """Forms the enterprise still owes (draft or returned) after their deadline."""

    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            from django.utils import timezone

            from .models import OPEN_STATUSES

            return queryset.filter(status__in=OPEN_STATUSES, deadline__lt=timezone.localdate())
        return queryset


class LineInline(admin.TabularInline):
    model = SummaryLine
    fields = [
        "line_no",
        "gcode",
        "destination_country_named",
        "currency_named",
        "qty",
        "qty1",
        "unit1_named",
        "total_price",
        "inventory_count",
    ]
    readonly_fields = fields
    destination_country_named = code_display("destination_country", "country", _("final destination country"))
    currency_named = code_display("currency", "currency", _("currency"))
    unit1_named = code_display("unit1", "unit", _("legal unit"))
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class HistoryInline(StatusHistoryInline):
    model = SummaryFormHistory


class AmendmentInline(admin.TabularInline):
    """Notes left by returns accepted after the form was declared (declarations.returns)."""

    model = SummaryAmendment
    fields = ["created_at", "inventory_return", "total_value", "note_text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ResultInline(admin.TabularInline):
    model = SummaryResult
    fields = [
        "imported_at",
        "outcome",
        "entry_id",
        "dec_state",
        "note",
        "sum_no",
        "message_guid",
        "imported_by",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SummaryForm)
class SummaryFormAdmin(CaseAdminMixin, QueueAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "enterprise", "traf_mode_named", "country_named", "port_code_named", "line_count", "inventory_count", "total_price", "status", "deadline", "overdue", "submitted_at"]  # fmt: skip
    list_filter = [QueueFilter, OverdueFilter, "status", "month", "additional"]
    search_fields = ["enterprise__name", "ebc_code", "owner_code", "declaration_no"]
    list_select_related = ["enterprise"]
    ordering = ["deadline", "submitted_at", "id"]
    readonly_fields = ["enterprise", "month", "number", "ebc_code", "traf_mode_named", "owner_enterprise", "owner_code", "country_named", "port_code_named", "part", "parts", "additional", "inventory_count", "line_count", "total_price", "deadline", "status", "submitted_at", "submitted_by", "declaration_no", "return_reason", "decided_at"]  # fmt: skip
    fields = readonly_fields
    inlines = [LineInline, HistoryInline, AmendmentInline, ResultInline]
    traf_mode_named = code_display("traf_mode", "transport", _("transport mode"))
    country_named = code_display("country", "country", _("country of arrival"))
    port_code_named = code_display("port_code", "customs", _("exit customs"))
    change_form_template = "summaries/admin/change_form.html"
    change_list_template = "summaries/admin/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        return obj.is_overdue

    def get_urls(self):
        return [
            path(
                "import-result/",
                self.admin_site.admin_view(self.import_result_view),
                name="summaries_summaryform_import_result",
            ),
            path(
                "<int:pk>/accept/",
                self.admin_site.admin_view(self.accept_view),
                name="summaries_summaryform_accept",
            ),
            path(
                "<int:pk>/return/",
                self.admin_site.admin_view(self.return_view),
                name="summaries_summaryform_return",
            ),
            *super().get_urls(),
        ]

    def _decide(self, request, pk, *, form_class, title, call):
        if not user_has_staff_role(request.user, "reviewer"):
            messages.error(request, _("Only a customs reviewer may decide on summary forms."))
            return redirect(reverse("admin:summaries_summaryform_change", args=[pk]))
        obj = get_object_or_404(SummaryForm, pk=pk)
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                call(obj, form.cleaned_data)
            except ApplicationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Decision recorded for %(form)s.") % {"form": obj})
                return redirect(reverse("admin:summaries_summaryform_changelist"))
            return redirect(reverse("admin:summaries_summaryform_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "object": obj,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "summaries/admin/decide.html", context)

    def import_result_view(self, request):
        """A reviewer uploads customs' CEB792 result: the forms it answers are accepted or returned."""
        from .results import summary_result_import

        changelist = reverse("admin:summaries_summaryform_changelist")
        if not user_has_staff_role(request.user, "reviewer"):
            messages.error(request, _("Only a customs reviewer may decide on summary forms."))
            return redirect(changelist)
        form = ResultUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = summary_result_import(body=form.cleaned_data["file"], actor=request.user)
            except ApplicationError as exc:
                form.add_error("file", str(exc))
            else:
                for line in report.results:
                    messages.success(
                        request,
                        _("%(form)s: %(outcome)s (%(state)s)")
                        % {
                            "form": line.form,
                            "outcome": line.form.get_status_display(),
                            "state": _("recorded now") if line.changed else _("taken in before, unchanged"),
                        },
                    )
                return redirect(changelist)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Take in a summary result (CEB792)"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "summaries/admin/import_result.html", context)

    def accept_view(self, request, pk):
        return self._decide(
            request,
            pk,
            form_class=AcceptForm,
            title=_("Accept the summary form"),
            call=lambda obj, data: services.summary_form_accept(
                form=obj, actor=request.user, declaration_no=data["declaration_no"]
            ),
        )

    def return_view(self, request, pk):
        return self._decide(
            request,
            pk,
            form_class=ReturnForm,
            title=_("Return the summary form"),
            call=lambda obj, data: services.summary_form_return(
                form=obj, actor=request.user, reason=data["reason"]
            ),
        )


@admin.register(SummaryStatistic)
class SummaryStatisticAdmin(QueueAdminMixin, admin.ModelAdmin):
    list_display = ["month", "enterprise", "ebc_code", "hs4", "destination_country_named", "currency_named", "inventory_count", "total_price"]  # fmt: skip
    list_filter = ["month"]
    readonly_fields = list_display
    destination_country_named = code_display("destination_country", "country", _("final destination country"))
    currency_named = code_display("currency", "currency", _("currency"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
