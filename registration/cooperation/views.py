import uuid

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from customs_portal.errors import ApplicationError
from customs_portal.permissions import EnterpriseMemberRequiredMixin
from customs_portal.uploads import upload_response

from . import selectors, services
from .business.selectors import officer_for
from .forms import (
    AnnualReportAnswersForm,
    AnnualReportDeclarationForm,
    AnnualReportForm,
    MessageForm,
    QuestionForm,
)
from .glance import enterprise_glance
from .models import AnnualReportStatus, QuestionAttachment, QuestionStatus


class EnterpriseInfoView(EnterpriseMemberRequiredMixin, View):
    def get(self, request):
        enterprise = self.enterprise
        context = {
            "enterprise": enterprise,
            "members": enterprise.users.filter(is_active=True).order_by("username"),
            "reports": selectors.annual_reports(enterprise=enterprise),
            "report_year": services.annual_report_year(),
            "officer": officer_for(enterprise=enterprise),
            **enterprise_glance(enterprise=enterprise, user=request.user),
        }
        return render(request, "cooperation/enterprise_info.html", context)


class AnnualReportView(EnterpriseMemberRequiredMixin, View):
    template_name = "cooperation/annual_report.html"

    def _context(self, form=None):
        year = services.annual_report_year()
        report = selectors.annual_report_for(enterprise=self.enterprise, year=year)
        editable = report is None or report.status == AnnualReportStatus.RETURNED
        if form is None and editable:
            pending = self.request.session.get(_pending_key(self.enterprise, year))
            initial = {
                "contact_name": self.enterprise.contact_name,
                "contact_phone": self.enterprise.contact_phone,
                "contact_email": self.enterprise.contact_email,
            }
            if pending:  # back from the check page to change an answer
                initial = pending["answers"]
            form = AnnualReportAnswersForm(
                instance=report, initial=initial if pending or not report else None
            )
        return {"year": year, "report": report, "form": form if editable else None}

    def get(self, request):
        return render(request, self.template_name, self._context())

    def post(self, request):
        """The answers: valid ones lead to the check page (nothing is filed yet)."""
        ctx = self._context()
        if ctx["form"] is None:
            messages.error(request, _("The annual report for this year has already been submitted."))
            return redirect("cooperation:annual_report")
        form = AnnualReportAnswersForm(request.POST, instance=ctx["report"])
        if form.is_valid():
            answers = {name: request.POST.get(name, "") for name in form.fields}
            request.session[_pending_key(self.enterprise, ctx["year"])] = {
                "answers": answers,
                "state": uuid.uuid4().hex,
            }
            return redirect("cooperation:annual_report_check")
        return render(request, self.template_name, self._context(form), status=400)


def _pending_key(enterprise, year) -> str:
    return f"annual_report_pending:{enterprise.pk}:{year}"


class AnnualReportCheckView(EnterpriseMemberRequiredMixin, View):
    """Check your answers, then file the report (a legal act): the declaration sits beside the
    button. The answers are validated again when filed; a POST from an older check page (the
    answers changed since) is refused."""

    template_name = "cooperation/annual_report_check.html"

    def _pending(self, request):
        year = services.annual_report_year()
        report = selectors.annual_report_for(enterprise=self.enterprise, year=year)
        editable = report is None or report.status == AnnualReportStatus.RETURNED
        return year, report, editable, request.session.get(_pending_key(self.enterprise, year))

    def _render(self, request, *, year, form, pending, status=200):
        answers = AnnualReportAnswersForm(pending["answers"])
        rows = []
        for field in answers:
            value = pending["answers"].get(field.name, "")
            choices = dict(getattr(field.field, "choices", ()) or ())
            rows.append((field.label, choices.get(value, value), field.name))
        context = {"year": year, "rows": rows, "form": form, "state": pending["state"]}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        year, report, editable, pending = self._pending(request)
        if not editable or not pending:
            return redirect("cooperation:annual_report")
        return self._render(request, year=year, form=AnnualReportDeclarationForm(), pending=pending)

    def post(self, request):
        year, report, editable, pending = self._pending(request)
        if not editable:
            messages.error(request, _("The annual report for this year has already been submitted."))
            return redirect("cooperation:annual_report")
        if not pending:
            return redirect("cooperation:annual_report")
        if request.POST.get("state") != pending["state"]:
            messages.error(
                request,
                _("The report changed after this page was shown. Check it again before you submit it."),
            )
            return redirect("cooperation:annual_report_check")
        declaration = AnnualReportDeclarationForm(request.POST)
        if not declaration.is_valid():
            return self._render(request, year=year, form=declaration, pending=pending, status=400)
        form = AnnualReportForm({**pending["answers"], "declared_true": "on"}, instance=report)
        if not form.is_valid():  # the rules again, at filing time
            return render(
                request,
                AnnualReportView.template_name,
                {"year": year, "report": report, "form": form},
                status=400,
            )
        try:
            services.annual_report_submit(
                enterprise=self.enterprise,
                actor=request.user,
                data=form.cleaned_data,
                declared_true=declaration.cleaned_data["declared_true"],
            )
        except ApplicationError as exc:
            messages.error(request, str(exc))
            return redirect("cooperation:annual_report")
        request.session.pop(_pending_key(self.enterprise, year), None)
        messages.success(request, _("Your annual report was submitted to customs."))
        return redirect("cooperation:annual_report")


class NoticeListView(EnterpriseMemberRequiredMixin, View):
    def get(self, request):
        notices = selectors.notices_for(enterprise=self.enterprise, user=request.user)
        page = Paginator(notices, 20).get_page(request.GET.get("page"))
        return render(request, "cooperation/notice_list.html", {"page_obj": page})


class NoticeDetailView(EnterpriseMemberRequiredMixin, View):
    def get(self, request, pk):
        notice = selectors.notice_get(enterprise=self.enterprise, user=request.user, pk=pk)
        services.policy_notice_mark_read(notice=notice, user=request.user)
        return render(request, "cooperation/notice_detail.html", {"notice": notice})


class QuestionListView(EnterpriseMemberRequiredMixin, View):
    def get(self, request):
        page = Paginator(selectors.questions_for(enterprise=self.enterprise), 20).get_page(
            request.GET.get("page")
        )
        return render(request, "cooperation/question_list.html", {"page_obj": page})


class QuestionCreateView(EnterpriseMemberRequiredMixin, View):
    template_name = "cooperation/question_form.html"

    def get(self, request):
        officer = officer_for(enterprise=self.enterprise)
        initial = {"to_officer": request.GET.get("to") == "officer"}
        return render(request, self.template_name, {"form": QuestionForm(officer=officer, initial=initial)})

    def post(self, request):
        officer = officer_for(enterprise=self.enterprise)
        form = QuestionForm(request.POST, request.FILES, officer=officer)
        if form.is_valid():
            try:
                question = services.question_ask(
                    officer=officer if form.cleaned_data.get("to_officer") else None,
                    enterprise=self.enterprise,
                    actor=request.user,
                    category=form.cleaned_data["category"],
                    subject=form.cleaned_data["subject"],
                    text=form.cleaned_data["text"],
                    files=form.cleaned_data["attachments"],
                )
            except ApplicationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your question was sent to customs."))
                return redirect("cooperation:question_detail", pk=question.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class QuestionDetailView(EnterpriseMemberRequiredMixin, View):
    template_name = "cooperation/question_detail.html"

    def get(self, request, pk, form=None, status=200):
        question = selectors.question_get(enterprise=self.enterprise, pk=pk)
        can_write = question.status != QuestionStatus.CLOSED
        return render(
            request,
            self.template_name,
            {"question": question, "form": (form or MessageForm()) if can_write else None},
            status=status,
        )

    def post(self, request, pk):
        question = selectors.question_get(enterprise=self.enterprise, pk=pk)
        if request.POST.get("action") == "close":
            try:
                services.question_close(question=question, actor=request.user)
            except ApplicationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The question is closed."))
            return redirect("cooperation:question_detail", pk=pk)
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.question_follow_up(
                    question=question,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                    files=form.cleaned_data["attachments"],
                )
            except ApplicationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your message was sent to customs."))
                return redirect("cooperation:question_detail", pk=pk)
        return self.get(request, pk, form=form, status=400)


def attachment_download(request, pk):
    """A question's attachment: for the asking enterprise's users, and for customs staff who
    signed in with their second factor and may view questions (reviewers), as for the other
    documents; served with the type sniffed from its content."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if user.is_staff:
        verified = getattr(user, "is_verified", lambda: False)()
        if not (verified and user.has_perm("cooperation.view_question")):
            raise PermissionDenied
        attachment = get_object_or_404(QuestionAttachment, pk=pk)
    else:
        enterprise = getattr(user, "enterprise", None)
        if enterprise is None:
            raise Http404
        attachment = selectors.attachment_get(enterprise=enterprise, pk=pk)
    return upload_response(attachment.file, download_name=attachment.original_name)


class ClearanceErrorsView(EnterpriseMemberRequiredMixin, View):
    def get(self, request):
        from declarations.selectors import Cursor
        from declarations.views import keyset_links

        page = selectors.clearance_error_page(
            enterprise=self.enterprise,
            after=Cursor.parse(request.GET.get("after")),
            before=Cursor.parse(request.GET.get("before")),
        )
        keyset_links(request, page)
        from .business.selectors import contests_by_entry

        contests = contests_by_entry(enterprise=self.enterprise, inventory_ids=[inv.pk for inv in page])
        for inv in page:
            inv.contest = contests.get(inv.pk)
        return render(request, "cooperation/clearance_errors.html", {"page_obj": page, "now": timezone.now()})
