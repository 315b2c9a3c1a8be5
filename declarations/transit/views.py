"""Trader pages: declaration on collection (the enterprise's setting), a 9710/9810 list's document."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from customs_portal.errors import ApplicationError
from customs_portal.permissions import EnterpriseAdminRequiredMixin, EnterpriseMemberRequiredMixin

from . import services


class AutoDeclarationView(EnterpriseAdminRequiredMixin, View):
    """``POST enabled=on|off``: the administrator turns declaration on collection on or off."""

    def post(self, request):
        enabled = request.POST.get("enabled") == "on"
        try:
            changed = services.auto_declaration_set(
                enterprise=self.enterprise, actor=request.user, enabled=enabled
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            if changed:
                messages.success(
                    request,
                    _("Stored lists are now declared when the parcel is collected.")
                    if enabled
                    else _("Stored lists are no longer declared when the parcel is collected."),
                )
        return redirect("registration:profile")


class TradeDocumentView(EnterpriseMemberRequiredMixin, View):
    """``POST reference=``: the B2B contract or overseas warehouse reference of a 9710/9810 list."""

    def post(self, request, pk):
        try:
            services.trade_document_record(
                enterprise=self.enterprise,
                pk=pk,
                actor=request.user,
                reference=request.POST.get("reference", ""),
            )
        except ApplicationError as exc:
            if exc.code == "not_found":
                from django.http import Http404

                raise Http404 from exc
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The document is recorded."))
        return redirect("declarations:inventory_detail", pk=pk)
