from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from customs_portal.errors import ApplicationError
from customs_portal.permissions import EnterpriseMemberRequiredMixin
from customs_portal.uploads import upload_response

from . import selectors, services
from .forms import (
    CertificationForm,
    CertificationResponseForm,
    ContestForm,
    JoinForm,
    LicenceTermForm,
    VerifyForm,
)
from .models import ContestAttachment


class ContestCreateView(EnterpriseMemberRequiredMixin, View):
    """Contest one entry of the clearance error log (纠错)."""

    template_name = "cooperation/business/contest_form.html"

    def _render(self, request, entry, form, status=200):
        contests = selectors.contests_by_entry(enterprise=self.enterprise, inventory_ids=[entry.pk])
        return render(
            request,
            self.template_name,
            {"entry": entry, "form": form, "contest": contests.get(entry.pk)},
            status=status,
        )

    def get(self, request, pk):
        entry = selectors.error_log_entry(enterprise=self.enterprise, pk=pk)
        return self._render(request, entry, ContestForm())

    def post(self, request, pk):
        entry = selectors.error_log_entry(enterprise=self.enterprise, pk=pk)
        form = ContestForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                contest = services.contest_file(
                    enterprise=self.enterprise,
                    inventory_pk=entry.pk,
                    actor=request.user,
                    reasons=form.cleaned_data["reasons"],
                    files=form.cleaned_data["attachments"],
                )
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, _("Your contest was sent to customs."))
                return redirect("business:contest_detail", pk=contest.pk)
        return self._render(request, entry, form, status=400)


class ContestListView(EnterpriseMemberRequiredMixin, View):
    def get(self, request):
        page = Paginator(selectors.contests_for(enterprise=self.enterprise), 20).get_page(
            request.GET.get("page")
        )
        return render(request, "cooperation/business/contest_list.html", {"page_obj": page})


class ContestDetailView(EnterpriseMemberRequiredMixin, View):
    def get(self, request, pk):
        contest = selectors.contest_get(enterprise=self.enterprise, pk=pk)
        return render(request, "cooperation/business/contest_detail.html", {"contest": contest})

    def post(self, request, pk):
        contest = selectors.contest_get(enterprise=self.enterprise, pk=pk)
        if request.POST.get("action") == "withdraw":
            try:
                services.contest_withdraw(contest=contest, actor=request.user)
            except ApplicationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Your contest was withdrawn."))
        return redirect("business:contest_detail", pk=pk)


def contest_attachment_download(request, pk):
    """A contest's attachment: for the contesting enterprise's users, and for customs staff
    signed in with their second factor who may review contests."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if user.is_staff:
        verified = getattr(user, "is_verified", lambda: False)()
        if not (verified and user.has_perm("business.view_clearanceerrorcontest")):
            raise PermissionDenied
        attachment = get_object_or_404(ContestAttachment, pk=pk)
    else:
        enterprise = getattr(user, "enterprise", None)
        if enterprise is None:
            raise Http404
        attachment = selectors.contest_attachment_get(enterprise=enterprise, pk=pk)
    return upload_response(attachment.file, download_name=attachment.original_name)


# --- documents and their public check --------------------------------------------------------
VERIFY_LIMIT_PER_MINUTE = 10


def _verify_url(request) -> str:
    from django.urls import reverse

    return request.build_absolute_uri(reverse("verify_document"))


def _pdf_response(content: bytes, filename: str):
    from django.http import HttpResponse

    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class DocumentsView(EnterpriseMemberRequiredMixin, View):
    template_name = "cooperation/business/documents.html"

    def _context(self, form=None):
        from authorization.selectors import authorizations_for

        profile = services.enterprise_profile(enterprise=self.enterprise)
        return {
            "enterprise": self.enterprise,
            "profile": profile,
            "authorizations": authorizations_for(enterprise=self.enterprise)
            .filter(status="approved")
            .order_by("-valid_to", "-pk"),
            "form": form or LicenceTermForm(initial={"licence_valid_to": profile.licence_valid_to}),
        }

    def get(self, request):
        return render(request, self.template_name, self._context())

    def post(self, request):
        if not request.user.is_enterprise_admin:
            raise PermissionDenied
        form = LicenceTermForm(request.POST)
        if form.is_valid():
            try:
                services.licence_term_set(
                    enterprise=self.enterprise,
                    valid_to=form.cleaned_data["licence_valid_to"],
                    actor=request.user,
                )
            except ApplicationError as exc:
                form.add_error("licence_valid_to", str(exc))
            else:
                messages.success(request, _("The business licence term was saved."))
                return redirect("business:documents")
        return render(request, self.template_name, self._context(form), status=400)


class RegistrationCertificateView(EnterpriseMemberRequiredMixin, View):
    def get(self, request):
        from .documents import registration_pdf

        content = registration_pdf(
            enterprise=self.enterprise, language=request.LANGUAGE_CODE, verify_url=_verify_url(request)
        )
        return _pdf_response(content, f"registration-{self.enterprise.customs_code}.pdf")


class AuthorizationCertificateView(EnterpriseMemberRequiredMixin, View):
    def get(self, request, pk):
        from authorization.selectors import authorization_get

        from .documents import authorization_pdf

        authorization = authorization_get(enterprise=self.enterprise, pk=pk)
        if authorization.status != "approved":
            raise Http404
        content = authorization_pdf(
            authorization=authorization, language=request.LANGUAGE_CODE, verify_url=_verify_url(request)
        )
        return _pdf_response(content, f"authorization-{authorization.number or authorization.pk}.pdf")


def _rate_limited(request, scope: str = "verify", limit: int = VERIFY_LIMIT_PER_MINUTE) -> bool:
    """A fixed one-minute window per client address (the proxy middleware set REMOTE_ADDR)."""
    import time

    from django.core.cache import cache

    key = f"business:{scope}:{request.META.get('REMOTE_ADDR', '')}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=70)
    try:
        return cache.incr(key) > limit
    except ValueError:
        return False


def verify_document(request):
    """Public: anyone checks a certificate's code, without signing in; nothing but the kind,
    the status and the date is shown."""
    from .documents import verify

    result, status, searched = None, 200, False
    form = VerifyForm(request.GET or None)
    if form.is_bound:
        if _rate_limited(request):
            form = VerifyForm()
            messages.error(request, _("Too many checks from your address; wait a minute and try again."))
            status = 429
        elif form.is_valid():
            searched = True
            result = verify(form.cleaned_data["code"])
            if result is None:
                status = 404
    response = render(
        request,
        "cooperation/business/verify.html",
        {"form": form, "result": result, "searched": searched},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- members -----------------------------------------------------------------------------------
JOIN_LIMIT_PER_MINUTE = 5


class JoinView(View):
    """Public: a person asks to join an enterprise by its USCC (no account until accepted)."""

    template_name = "cooperation/business/join.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            messages.error(request, _("Sign out first to ask to join an enterprise."))
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": JoinForm()})

    def post(self, request):
        from . import members

        form = JoinForm(request.POST)
        if _rate_limited(request, "join", JOIN_LIMIT_PER_MINUTE):
            messages.error(request, _("Too many requests from your address; wait a minute and try again."))
            return render(request, self.template_name, {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                join = members.join_request_create(
                    uscc=data["uscc"],
                    full_name=data["full_name"],
                    username=data["username"],
                    email=data["email"],
                    password=data["password1"],
                    phone=data["phone"],
                    message=data["message"],
                    language=request.LANGUAGE_CODE,
                )
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                return render(request, "cooperation/business/join_sent.html", {"join": join})
        return render(request, self.template_name, {"form": form}, status=400)


class MembersView(EnterpriseMemberRequiredMixin, View):
    require_admin = True
    template_name = "cooperation/business/members.html"

    def get(self, request):
        from .models import JoinRequest, JoinStatus

        return render(
            request,
            self.template_name,
            {
                "members": self.enterprise.users.filter(is_active=True).order_by(
                    "-is_enterprise_admin", "username"
                ),
                "requests": JoinRequest.objects.filter(enterprise=self.enterprise, status=JoinStatus.PENDING),
                "decided": JoinRequest.objects.filter(enterprise=self.enterprise)
                .exclude(status=JoinStatus.PENDING)
                .select_related("decided_by")[:20],
            },
        )

    def post(self, request):
        from registration.services import operator_deactivate

        from . import members
        from .models import JoinRequest

        action = request.POST.get("action")
        try:
            if action in ("accept", "decline"):
                join = get_object_or_404(
                    JoinRequest, enterprise=self.enterprise, pk=request.POST.get("request")
                )
                members.join_request_decide(request=join, actor=request.user, accept=action == "accept")
                messages.success(
                    request,
                    _("%(name)s is now a member.") % {"name": join.full_name}
                    if action == "accept"
                    else _("The request from %(name)s was declined.") % {"name": join.full_name},
                )
            elif action == "remove":
                user = get_object_or_404(
                    self.enterprise.users.filter(is_active=True), pk=request.POST.get("user") or 0
                )
                operator_deactivate(enterprise=self.enterprise, actor=request.user, user=user)
                messages.success(
                    request, _("%(username)s can no longer sign in.") % {"username": user.username}
                )
            else:
                return HttpResponseBadRequest()
        except ApplicationError as exc:
            messages.error(request, str(exc))
        return redirect("business:members")


class AuditView(EnterpriseMemberRequiredMixin, View):
    require_admin = True

    def get(self, request):
        from django.utils.dateparse import parse_datetime

        from .members import audit_entries

        before = parse_datetime(request.GET.get("before", "")) if request.GET.get("before") else None
        entries = audit_entries(enterprise=self.enterprise, before=before)
        return render(
            request,
            "cooperation/business/audit.html",
            {"entries": entries, "older": entries[-1].at.isoformat() if len(entries) == 50 else ""},
        )


# --- certification -------------------------------------------------------------------------------
class CertificationView(EnterpriseMemberRequiredMixin, View):
    def get(self, request):
        from .models import CertificationApplication, RatingChange

        return render(
            request,
            "cooperation/business/certification.html",
            {
                "enterprise": self.enterprise,
                "applications": CertificationApplication.objects.filter(enterprise=self.enterprise)[:20],
                "changes": RatingChange.objects.filter(enterprise=self.enterprise)[:50],
                "current": RatingChange.objects.filter(enterprise=self.enterprise, applied=True).first(),
            },
        )


class CertificationApplyView(EnterpriseMemberRequiredMixin, View):
    template_name = "cooperation/business/certification_apply.html"

    def _sections(self):
        from .models import AssessmentSection

        return AssessmentSection.objects.filter(active=True)

    def get(self, request):
        return render(request, self.template_name, {"form": CertificationForm(sections=self._sections())})

    def post(self, request):
        from .certification import certification_apply

        form = CertificationForm(request.POST, request.FILES, sections=self._sections())
        if form.is_valid():
            try:
                application = certification_apply(
                    enterprise=self.enterprise,
                    actor=request.user,
                    requested_rating=form.cleaned_data["requested_rating"],
                    answers=form.answers(),
                    statement=form.cleaned_data["statement"],
                    files=form.cleaned_data["reports"],
                )
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, _("Your certification application was sent to customs."))
                return redirect("business:certification_detail", pk=application.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class CertificationDetailView(EnterpriseMemberRequiredMixin, View):
    template_name = "cooperation/business/certification_detail.html"

    def _get(self, pk):
        from .models import CertificationApplication

        return get_object_or_404(
            CertificationApplication.objects.filter(enterprise=self.enterprise).prefetch_related(
                "answers__section", "reports", "visits", "history__actor"
            ),
            pk=pk,
        )

    def get(self, request, pk, form=None, status=200):
        application = self._get(pk)
        if form is None and application.status == "more_requested":
            form = CertificationResponseForm()
        return render(request, self.template_name, {"application": application, "form": form}, status=status)

    def post(self, request, pk):
        from .certification import certification_resubmit

        application = self._get(pk)
        form = CertificationResponseForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                certification_resubmit(
                    application=application,
                    actor=request.user,
                    response=form.cleaned_data["response"],
                    files=form.cleaned_data["reports"],
                )
            except ApplicationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your answer was sent to customs."))
                return redirect("business:certification_detail", pk=pk)
        return self.get(request, pk, form=form, status=400)


def certification_report_download(request, pk):
    """A supporting report: for the applying enterprise's users, and for verified reviewers."""
    from .models import CertificationReport

    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if user.is_staff:
        verified = getattr(user, "is_verified", lambda: False)()
        if not (verified and user.has_perm("business.view_certificationapplication")):
            raise PermissionDenied
        report = get_object_or_404(CertificationReport, pk=pk)
    else:
        enterprise = getattr(user, "enterprise", None)
        if enterprise is None:
            raise Http404
        report = get_object_or_404(CertificationReport, pk=pk, application__enterprise=enterprise)
    return upload_response(report.file, download_name=report.original_name)


# --- help centre ---------------------------------------------------------------------------------
def help_centre(request):
    """Public: the help centre's articles, searchable in either language."""
    from .help import articles_search

    query = (request.GET.get("q") or "").strip()[:100]
    page = Paginator(articles_search(query), 20).get_page(request.GET.get("page"))
    return render(request, "cooperation/business/help_centre.html", {"page_obj": page, "q": query})


def help_article(request, slug):
    from .models import HelpArticle

    article = get_object_or_404(HelpArticle, slug=slug, published=True)
    return render(request, "cooperation/business/help_article.html", {"article": article})


def privacy_notice(request):
    """Public: the privacy notice in force, in the reader's language."""
    from .models import PrivacyNotice

    notice = PrivacyNotice.current()
    if notice is None:
        raise Http404
    return render(request, "cooperation/business/privacy.html", {"notice": notice})


# --- the enterprise's data ---------------------------------------------------------------------------
class DataExportView(EnterpriseMemberRequiredMixin, View):
    """The administrator asks for the archive and watches its progress; downloads it when ready."""

    require_admin = True

    def get(self, request):
        from .models import DataExport, ExportStatus

        exports = list(DataExport.objects.filter(enterprise=self.enterprise)[:10])
        busy = any(e.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) for e in exports)
        return render(request, "cooperation/business/data_export.html", {"exports": exports, "busy": busy})

    def post(self, request):
        from .data import export_request

        try:
            export_request(enterprise=self.enterprise, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The archive is being prepared; this page shows its progress."))
        return redirect("business:data_export")


class DataExportDownloadView(EnterpriseMemberRequiredMixin, View):
    require_admin = True

    def get(self, request, pk):
        from django.http import FileResponse

        from .models import DataExport, ExportStatus

        export = get_object_or_404(DataExport, pk=pk, enterprise=self.enterprise, status=ExportStatus.READY)
        if not export.file:
            raise Http404
        return FileResponse(
            export.file.open("rb"),
            as_attachment=True,
            filename=f"enterprise-data-{export.created_at:%Y%m%d}.zip",
            content_type="application/zip",
        )
