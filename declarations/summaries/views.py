"""Trader pages for monthly summaries: the e-commerce enterprise and its authorized broker.

Every lookup goes through the selectors: a form of an enterprise the user neither is nor
declares for (under an authorization valid today) is simply not found (404).
"""

import datetime as dt
import hashlib
import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from customs_portal.errors import ApplicationError
from customs_portal.permissions import EnterpriseMemberRequiredMixin
from declarations.views import keyset_links

from . import exports, selectors, services
from .models import OPEN_STATUSES, SummaryForm, month_start


def _month_param(request) -> dt.date:
    raw = request.GET.get("month")
    if not raw:
        return services.previous_month()
    try:
        return services.parse_month(raw)
    except ApplicationError:
        raise Http404 from None


def _int_param(request, name) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


class SummaryMixin(EnterpriseMemberRequiredMixin):
    def get_principal(self):
        """The enterprise whose summaries are shown: the user's own, or a principal (?for=pk)."""
        principals = selectors.principals_for(enterprise=self.enterprise)
        wanted = self.request.GET.get("for") or self.request.POST.get("for")
        if not wanted:
            return self.enterprise, principals
        try:
            return get_object_or_404(principals, pk=int(wanted)), principals
        except ValueError:
            raise Http404 from None

    def get_form(self, pk) -> SummaryForm:
        return get_object_or_404(selectors.summary_forms_for(enterprise=self.enterprise), pk=pk)


class OverviewView(SummaryMixin, View):
    def get(self, request):
        principal, principals = self.get_principal()
        month = _month_param(request)
        today = timezone.localdate()
        current = month_start(today)
        try:
            deadline = services.summary_deadline(month=month)
        except ApplicationError as exc:
            deadline, deadline_error = None, str(exc)
        else:
            deadline_error = ""
        preview = selectors.month_preview(principal=principal, month=current)
        forms = list(selectors.month_forms(principal=principal, month=month))
        # overdue only says something when something is still owed: a month without lists (or
        # with every form declared) has nothing to declare, whatever the day
        owed = any(form.status in OPEN_STATUSES for form in forms)
        context = {
            "principal": principal,
            "principals": principals if len(principals) > 1 else [],
            "month": month,
            "months": selectors.months_with_forms(principal=principal),
            "deadline": deadline,
            "deadline_error": deadline_error,
            "days_left": (deadline - today).days if deadline else None,
            "days_overdue": (today - deadline).days if deadline and owed else None,
            "owed": owed,
            "forms": forms,
            "statistics": selectors.month_statistics(principal=principal, month=month),
            "current_month": current,
            "preview": preview.forms,
            "preview_lines": preview.line_count,
            "preview_stale_since": preview.computed_at if preview.stale else None,
            "may_declare": services.may_declare_for(acting=self.enterprise, principal=principal),
        }
        return render(request, "summaries/overview.html", context)


class MonthCsvView(SummaryMixin, View):
    def get(self, request):
        principal, _principals = self.get_principal()
        month = _month_param(request)
        data = exports.month_export(month=month, enterprises=[principal])
        response = HttpResponse(exports.month_csv(data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="summaries-{month:%Y-%m}.csv"'
        return response


class MonthJsonView(SummaryMixin, View):
    def get(self, request):
        principal, _principals = self.get_principal()
        month = _month_param(request)
        data = exports.month_export(month=month, enterprises=[principal])
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="summaries-{month:%Y-%m}.json"'
        return response


class FormDetailView(SummaryMixin, View):
    def get(self, request, pk):
        form = self.get_form(pk)
        inventories = selectors.form_inventory_page(
            form=form, after=_int_param(request, "after"), before=_int_param(request, "before")
        )
        keyset_links(request, inventories)
        context = {
            "form": form,
            "lines": form.lines.order_by("line_no"),
            "page_obj": inventories,
            "history": form.history.select_related("actor").order_by("at", "id"),
            "amendments": form.amendments.select_related("inventory_return").order_by("created_at", "id"),
            "results": form.results.order_by("imported_at", "id"),
            "may_declare": services.may_declare_for(acting=self.enterprise, principal=form.enterprise),
        }
        return render(request, "summaries/form_detail.html", context)


class _TransitionView(SummaryMixin, View):
    def post(self, request, pk):
        form = self.get_form(pk)
        try:
            self.run(form=form, request=request)
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, self.done)
        return redirect("summaries:form_detail", pk=form.pk)


def _form_state(form: SummaryForm) -> str:
    """A digest of what the check page showed: a POST made from an older page is refused."""
    lines = form.lines.order_by("line_no").values_list("line_no", "gcode", "qty", "total_price")
    raw = "|".join(
        [form.status, str(form.line_count), str(form.inventory_count), str(form.total_price)]
        + [":".join(str(value) for value in line) for line in lines]
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


class FormSubmitView(SummaryMixin, View):
    """Declaring a form is a legal act: GET shows what will be sent (check your answers) with
    the declaration beside the button; the POST from that page declares it."""

    def get(self, request, pk):
        form = self.get_form(pk)
        if not (
            form.may_submit and services.may_declare_for(acting=self.enterprise, principal=form.enterprise)
        ):
            return redirect("summaries:form_detail", pk=form.pk)
        context = {
            "form": form,
            "lines": form.lines.order_by("line_no"),
            "state": _form_state(form),
        }
        return render(request, "summaries/form_check.html", context)

    def post(self, request, pk):
        form = self.get_form(pk)
        if form.may_submit and request.POST.get("state") != _form_state(form):
            messages.error(
                request,
                _("The form changed after you checked it. Check it again before you declare it."),
            )
            return redirect("summaries:form_submit", pk=form.pk)
        try:
            services.summary_form_submit(form=form, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The form was declared to customs."))
        return redirect("summaries:form_detail", pk=form.pk)


class FormResubmitView(_TransitionView):
    @property
    def done(self):
        return _("The corrected form was declared to customs again.")

    def run(self, *, form, request):
        services.summary_form_resubmit(
            form=form, actor=request.user, note=request.POST.get("note", "")[:1000]
        )


class FormPdfView(SummaryMixin, View):
    def get(self, request, pk):
        from .pdf import render_summary_pdf

        form = self.get_form(pk)
        response = HttpResponse(render_summary_pdf(form=form), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="summary-{form.month:%Y-%m}-{form.number}.pdf"'
        )
        return response


class FormCeb701View(SummaryMixin, View):
    def get(self, request, pk):
        form = self.get_form(pk)
        try:
            body = services.summary_form_ceb701(form=form)
        except ApplicationError as exc:
            messages.error(request, str(exc))
            return redirect("summaries:form_detail", pk=form.pk)
        response = HttpResponse(body, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="CEB701-{form.month:%Y-%m}-{form.number}.xml"'
        )
        return response
