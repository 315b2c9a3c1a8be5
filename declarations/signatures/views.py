"""The trader's signing certificates: see them (any member), register and remove them and
require signatures (the enterprise's administrators)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from customs_portal.errors import ApplicationError
from customs_portal.permissions import EnterpriseAdminRequiredMixin, EnterpriseMemberRequiredMixin

from . import services
from .models import EnterpriseCertificate, SignatureSetting
from .services import MAX_CERTIFICATE_BYTES


class CertificateForm(forms.Form):
    file = forms.FileField(label=_("Certificate file (PEM or DER, public part only)"))


def _context(enterprise, form=None):
    setting = SignatureSetting.objects.filter(enterprise=enterprise).first()
    return {
        "certificates": EnterpriseCertificate.objects.filter(enterprise=enterprise).order_by(
            "-not_after", "id"
        ),
        "required": bool(setting and setting.required),
        "form": form or CertificateForm(),
    }


class CertificateListView(EnterpriseMemberRequiredMixin, View):
    def get(self, request):
        return render(request, "declarations/certificates.html", _context(self.enterprise))

    def post(self, request):
        if not request.user.is_enterprise_admin:
            messages.error(request, _("Only your enterprise's administrators may register certificates."))
            return redirect("declarations:certificates")
        form = CertificateForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.certificate_register(
                    enterprise=self.enterprise,
                    data=upload.read(MAX_CERTIFICATE_BYTES + 1),
                    actor=request.user,
                )
            except ApplicationError as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(request, _("The certificate is registered."))
                return redirect("declarations:certificates")
        return render(request, "declarations/certificates.html", _context(self.enterprise, form), status=400)


class CertificateRemoveView(EnterpriseAdminRequiredMixin, View):
    def post(self, request, pk):
        certificate = get_object_or_404(EnterpriseCertificate, pk=pk, enterprise=self.enterprise)
        services.certificate_remove(certificate=certificate)
        messages.success(
            request, _("The certificate is removed: messages signed with it are no longer accepted.")
        )
        return redirect("declarations:certificates")


class RequirementView(EnterpriseAdminRequiredMixin, View):
    def post(self, request):
        required = request.POST.get("required") == "1"
        try:
            services.signature_requirement_set(enterprise=self.enterprise, required=required)
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Every message must now be signed.")
                if required
                else _("Unsigned messages are accepted again."),
            )
        return redirect("declarations:certificates")
