"""REST endpoints for duty forms (API key or signed-in trader; the consignor's own only):

- ``GET  duties/forms/?page=N``: the enterprise's duty forms, newest first, 50 a page;
- ``GET  duties/forms/<id>/``: one form with its lines and its tax bill;
- ``POST duties/forms/<id>/pay/`` (``{"amount": "200.00"}``, the amount the caller checked):
  starts (or resumes) the payment; ``{"redirect_url"}`` is the provider's checkout.
A form of another enterprise is 404; anonymous is 401.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.api import request_enterprise
from customs_portal.api_schema import ErrorSerializer
from customs_portal.errors import ApplicationError

from . import selectors, services
from .models import DutyForm, TaxBill

PAGE_SIZE = 50
NO_PAGE = OpenApiResponse(ErrorSerializer, description="No such page.")
PAGE = OpenApiParameter("page", OpenApiTypes.INT, description="page number, from 1 (default 1)")


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _bill_json(form: DutyForm) -> dict | None:
    try:
        bill = form.bill
    except TaxBill.DoesNotExist:
        return None
    return {
        "number": bill.number,
        "amount": _money(bill.amount),
        "issued_on": bill.issued_on.isoformat(),
        "due_date": bill.due_date.isoformat() if bill.due_date else None,
        "paid": bill.is_paid,
        "paid_at": bill.paid_at.isoformat() if bill.paid_at else None,
        "provider_reference": bill.provider_reference or None,
    }


def form_json(form: DutyForm, *, lines: bool = True) -> dict:
    data = {
        "id": form.pk,
        "number": str(form),
        "invt_no": form.inventory.invt_no,
        "cop_no": form.inventory.cop_no,
        "status": form.status,
        "released_at": form.released_at.isoformat(),
        "rate_month": f"{form.rate_month:%Y-%m}",
        "customs_value": _money(form.customs_value),
        "duty_total": _money(form.duty_total),
        "bill": _bill_json(form),
    }
    if lines:
        data["lines"] = [
            {
                "gnum": line.gnum,
                "gcode": line.gcode,
                "currency": line.currency,
                "total_price": f"{line.total_price:f}",
                "exchange_rate": f"{line.exchange_rate:f}",
                "customs_value": _money(line.customs_value),
                "rate": f"{line.rate:f}",
                "duty": _money(line.duty),
            }
            for line in form.lines.order_by("gnum")
        ]
    return data


class _Scoped(APIView):
    def form(self, request, pk) -> DutyForm:
        return get_object_or_404(selectors.duty_forms_for(enterprise=request_enterprise(request)), pk=pk)


class FormListView(_Scoped):
    @extend_schema(
        operation_id="duties_forms_list",
        parameters=[PAGE],
        responses={200: OpenApiTypes.OBJECT, 404: NO_PAGE},
    )
    def get(self, request):
        raw = request.query_params.get("page", "1")
        if not (raw.isdigit() and len(raw) < 10 and int(raw) >= 1):
            raise Http404  # as DRF's page-number pagination answers a page that is not one
        forms = selectors.duty_forms_for(enterprise=request_enterprise(request))
        page = Paginator(forms, PAGE_SIZE).get_page(int(raw))
        return Response(
            {
                "results": [form_json(form, lines=False) for form in page],
                "next_page": page.next_page_number() if page.has_next() else None,
            }
        )


class FormView(_Scoped):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        return Response(form_json(self.form(request, pk)))


class PayView(_Scoped):
    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk):
        form = self.form(request, pk)
        try:
            bill = form.bill
        except TaxBill.DoesNotExist:
            raise ApplicationError("no_bill", _("This duty form has no tax bill to pay.")) from None
        amount = str(request.data.get("amount", "")) if hasattr(request.data, "get") else ""
        if amount != f"{bill.amount:.2f}":
            raise ApplicationError(
                "amount_changed",
                _("The bill's amount is %(amount)s: check it and send that amount.")
                % {"amount": f"{bill.amount:.2f}"},
                field="amount",
            )
        url = services.tax_bill_pay_start(
            bill=bill, actor=request.user, return_url=reverse("duties:form_detail", args=[form.pk])
        )
        return Response({"redirect_url": request.build_absolute_uri(url)})
