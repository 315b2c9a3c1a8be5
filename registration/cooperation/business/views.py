from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from customs_portal.errors import ApplicationError
from customs_portal.permissions import EnterpriseMemberRequiredMixin
from customs_portal.uploads import upload_response

from . import selectors, services
from .forms import ContestForm
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
