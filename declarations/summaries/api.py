"""REST endpoints for monthly summaries (API key or signed-in trader).

- ``GET  summaries/?month=YYYY-MM[&enterprise=CUSTOMS_CODE]``: the month exactly as
  ``export_summaries --format json`` prints it (forms, items, statistics);
- ``GET  summaries/deadline/?month=YYYY-MM``: ``{"month", "deadline"}``;
- ``GET  summaries/forms/<id>/``: one form in the same shape;
- ``POST summaries/forms/<id>/submit/`` and ``.../resubmit/`` (``{"note"}``): declare it;
- ``GET  summaries/forms/<id>/ceb701/``: the CEB701 summary application (XML).
A form of an enterprise the caller neither is nor declares for is 404; anonymous is 401.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.api import request_enterprise
from customs_portal.api_schema import ErrorSerializer

from . import exports, selectors, services
from .models import SummaryForm

MONTH = OpenApiParameter("month", str, description="YYYY-MM", required=True, pattern=r"^\d{4}-\d{2}$")
ENTERPRISE = OpenApiParameter("enterprise", str, description="customs code of a principal (brokers)")
NOT_A_PRINCIPAL = OpenApiResponse(ErrorSerializer, description="Not the caller nor one of its principals.")
NOT_DECLARED = OpenApiResponse(ErrorSerializer, description="The form is a draft: submit it first.")


def _form_json(form: SummaryForm) -> dict:
    data = exports.month_export(month=form.month, enterprises=[form.enterprise])
    return next(item for item in data["forms"] if item["id"] == form.pk)


class _Scoped(APIView):
    def principal(self, request):
        principals = selectors.principals_for(enterprise=request_enterprise(request))
        code = request.query_params.get("enterprise")
        if not code:
            return request_enterprise(request)
        found = principals.filter(customs_code=code).first()
        if found is None:
            raise Http404
        return found

    def form(self, request, pk) -> SummaryForm:
        return get_object_or_404(selectors.summary_forms_for(enterprise=request_enterprise(request)), pk=pk)


class MonthView(_Scoped):
    @extend_schema(parameters=[MONTH, ENTERPRISE], responses={200: OpenApiTypes.OBJECT, 404: NOT_A_PRINCIPAL})
    def get(self, request):
        month = services.parse_month(request.query_params.get("month", ""))
        return Response(exports.month_export(month=month, enterprises=[self.principal(request)]))


class DeadlineView(_Scoped):
    @extend_schema(parameters=[MONTH], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        month = services.parse_month(request.query_params.get("month", ""))
        return Response(
            {"month": f"{month:%Y-%m}", "deadline": services.summary_deadline(month=month).isoformat()}
        )


class FormView(_Scoped):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        return Response(_form_json(self.form(request, pk)))


class FormSubmitView(_Scoped):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk):
        form = services.summary_form_submit(form=self.form(request, pk), actor=request.user)
        return Response(_form_json(form))


class FormResubmitView(_Scoped):
    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk):
        note = str(request.data.get("note", ""))[:1000] if hasattr(request.data, "get") else ""
        form = services.summary_form_resubmit(form=self.form(request, pk), actor=request.user, note=note)
        return Response(_form_json(form))


class FormCeb701View(_Scoped):
    @extend_schema(responses={(200, "application/xml"): OpenApiTypes.STR, 400: NOT_DECLARED})
    def get(self, request, pk):
        body = services.summary_form_ceb701(form=self.form(request, pk))
        return HttpResponse(body, content_type="application/xml; charset=utf-8")
