"""Trader pages for duty forms: the form and its bill, paying it, the receipt; the provider's
callback; the sandbox provider's checkout. Every lookup is scoped to the user's enterprise."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from customs_portal.errors import ApplicationError
from customs_portal.permissions import EnterpriseMemberRequiredMixin

from . import selectors, services
from .models import AttemptStatus, SandboxStatus, SandboxTransaction, TaxBill
from .payments import SIGNATURE_HEADER, SandboxProvider

PAGE_SIZE = 25


def _bill(form) -> TaxBill | None:
    try:
        return form.bill
    except TaxBill.DoesNotExist:
        return None


class DutyFormListView(EnterpriseMemberRequiredMixin, View):
    def get(self, request):
        page = Paginator(selectors.duty_forms_for(enterprise=self.enterprise), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(request, "declarations/duties/form_list.html", {"page_obj": page})


class DutyFormDetailView(EnterpriseMemberRequiredMixin, View):
    def get(self, request, pk):
        form = selectors.duty_form_get(enterprise=self.enterprise, pk=pk)
        bill = _bill(form)
        context = {
            "form": form,
            "bill": bill,
            "lines": form.lines.order_by("gnum"),
            "history": form.history.select_related("actor").order_by("at", "id"),
            "waiting": bill is not None
            and bill.is_payable
            and bill.attempts.filter(status=AttemptStatus.PENDING).exists(),
        }
        return render(request, "declarations/duties/form_detail.html", context)


class PayView(EnterpriseMemberRequiredMixin, View):
    """GET: the check page (bill, amount, what will happen); POST: off to the provider."""

    def _bill_or_back(self, pk):
        form = selectors.duty_form_get(enterprise=self.enterprise, pk=pk)
        bill = _bill(form)
        return form, bill

    def get(self, request, pk):
        form, bill = self._bill_or_back(pk)
        if bill is None or not bill.is_payable:
            return redirect("duties:form_detail", pk=form.pk)
        return render(request, "declarations/duties/pay_check.html", {"form": form, "bill": bill})

    def post(self, request, pk):
        form, bill = self._bill_or_back(pk)
        if bill is None:
            return redirect("duties:form_detail", pk=form.pk)
        if request.POST.get("amount") != f"{bill.amount:.2f}":
            messages.error(
                request, _("The bill changed after you checked it. Check it again before you pay.")
            )
            return redirect("duties:pay", pk=form.pk)
        try:
            url = services.tax_bill_pay_start(
                bill=bill, actor=request.user, return_url=reverse("duties:form_detail", args=[form.pk])
            )
        except ApplicationError as exc:
            messages.error(request, str(exc))
            return redirect("duties:form_detail", pk=form.pk)
        return redirect(url)


class ReceiptPdfView(EnterpriseMemberRequiredMixin, View):
    def get(self, request, pk):
        from .pdf import render_receipt_pdf

        form = selectors.duty_form_get(enterprise=self.enterprise, pk=pk)
        bill = _bill(form)
        if bill is None or not bill.is_paid:
            raise Http404
        response = HttpResponse(render_receipt_pdf(bill=bill), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="receipt-{bill.number}.pdf"'
        return response


@csrf_exempt
@require_POST
def payment_callback(request):
    """The provider's server-to-server notification (no session: the HMAC signature is the proof)."""
    outcome = services.payment_callback_receive(
        body=request.body,
        signature=request.headers.get(SIGNATURE_HEADER, ""),
        remote_addr=request.META.get("REMOTE_ADDR", ""),
    )
    if outcome in services.REFUSED:
        return JsonResponse(
            {"result": "refused", "code": outcome}, status=403 if outcome == "forged" else 400
        )
    return JsonResponse({"result": "ok", "code": outcome})


class SandboxCheckoutView(EnterpriseMemberRequiredMixin, View):
    """The sandbox provider's checkout, for the bill's own enterprise only (404 otherwise, and
    when another provider is configured)."""

    def _tx(self, ref):
        if not isinstance(services.payment_provider(), SandboxProvider):
            raise Http404
        tx = get_object_or_404(SandboxTransaction, provider_reference=ref)
        attempt = get_object_or_404(
            services.PaymentAttempt.objects.select_related("bill__form"),
            reference=tx.reference,
            bill__form__enterprise=self.enterprise,
        )
        return tx, attempt

    def get(self, request, ref):
        tx, attempt = self._tx(ref)
        return render(
            request,
            "declarations/duties/sandbox_checkout.html",
            {"tx": tx, "bill": attempt.bill, "open": tx.status == SandboxStatus.CREATED},
        )

    def post(self, request, ref):
        tx, attempt = self._tx(ref)
        outcome = request.POST.get("outcome")
        if outcome not in ("paid", "failed", "timeout"):
            messages.error(request, _("Choose how the sandbox payment ends."))
            return redirect("duties:sandbox_checkout", ref=ref)
        SandboxProvider.drive(provider_reference=ref, outcome=outcome)
        return redirect(tx.return_url or reverse("duties:form_detail", args=[attempt.bill.form_id]))
