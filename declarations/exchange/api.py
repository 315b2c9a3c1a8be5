"""``GET /api/v1/receipts/``: the asking enterprise's receipts, as JSON or as CEB XML.

- ``after``: the cursor answered as ``next`` last time (``0`` or absent: from the beginning);
  a cursor is the position of a receipt: positions only grow, in the order receipts are
  committed, so a receipt committed late is never behind a cursor already handed out;
  ``limit``: 1 to 1,000 (default 100); ``kind``: order, payment, waybill, inventory, cancel,
  departure (only that kind).
- JSON (the default): ``{"receipts": [...], "next": <cursor>}``, oldest first; ``next`` is
  the cursor to send next time (the same cursor when nothing is new).
- ``Accept: application/xml``: one CEB return message (CEB304, 404, 506, 604, 606 or 510) of
  the receipts of ``kind`` (required), at most 100 (the schema's ``maxOccurs``), with the
  cursor in the ``X-Portal-Next`` header. Nothing new: 204 and the same cursor.
Each enterprise reads only its own receipts.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from customs_portal.api import IsEnterpriseMember, request_enterprise
from customs_portal.api_schema import PortalAutoSchema

from . import services
from .ceb_returns import MAX_RETURNS_PER_MESSAGE, return_message
from .models import ReceiptKind

DEFAULT_LIMIT = 100


class CebXMLRenderer(renderers.BaseRenderer):
    """A CEB return message, already built as bytes."""

    media_type = "application/xml"
    format = "xml"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if data is not None else b""


class _NoFormatOverride:
    URL_FORMAT_OVERRIDE = None  # the answer's form is chosen by Accept alone, not by ?format=

    def __getattr__(self, name):
        return getattr(api_settings, name)


class AcceptNegotiation(DefaultContentNegotiation):
    settings = _NoFormatOverride()


class ReceiptSchema(PortalAutoSchema):
    def _get_format_parameters(self):
        return []  # no ?format= (AcceptNegotiation)


class ReceiptQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text="The `next` cursor of the previous answer; 0 or absent: from the first receipt.",
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=services.MAX_PAGE, help_text="At most this many (default 100)."
    )
    kind = serializers.ChoiceField(
        choices=ReceiptKind.values,
        required=False,
        help_text="Only this kind; required with Accept: application/xml.",
    )


class CebReceiptSerializer(serializers.Serializer):
    """Schema documentation: one receipt (the return element's fields, with the portal's own)."""

    cursor = serializers.IntegerField(help_text="This receipt's position: send it as `after` to read on.")
    kind = serializers.ChoiceField(choices=ReceiptKind.values)
    message = serializers.CharField(help_text="The CEB return message: CEB304, CEB404, CEB506, CEB604...")
    guid = serializers.CharField(allow_blank=True)
    key = serializers.CharField(allow_blank=True, help_text="orderNo, logisticsNo or copNo")
    status = serializers.CharField(help_text="accepted, duplicate, rejected, or the list's new status")
    returnStatus = serializers.CharField(help_text="The CEB code: 1, 100, 120, 399, 500, 800, 899, -0002...")
    returnTime = serializers.CharField(help_text="yyyyMMddHHmmssfff, China Standard Time")
    returnInfo = serializers.CharField(allow_blank=True)


class CebReceiptPageSerializer(serializers.Serializer):
    receipts = CebReceiptSerializer(many=True)
    next = serializers.IntegerField(help_text="The cursor to send as `after` next time.")


class ReceiptListView(APIView):
    permission_classes = [IsEnterpriseMember]
    renderer_classes = [renderers.JSONRenderer, CebXMLRenderer]
    content_negotiation_class = AcceptNegotiation
    schema = ReceiptSchema()

    @extend_schema(
        parameters=[ReceiptQuerySerializer],
        responses={
            (200, "application/json"): OpenApiResponse(
                CebReceiptPageSerializer, description="The receipts after the cursor, oldest first."
            ),
            (200, "application/xml"): OpenApiResponse(
                OpenApiTypes.STR, description="One CEB return message of the kind asked for."
            ),
            (204, "application/xml"): OpenApiResponse(description="No new receipt of that kind."),
        },
        description="The CEB receipts kept for the caller's enterprise: every intake entry's "
        "answer, and each later move of its declaration lists (returned, released, inspection, "
        "departed, cancelled). JSON, or one CEB return message with Accept: application/xml.",
    )
    def get(self, request):
        params = ReceiptQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        cursor = params.validated_data.get("after", 0)
        kind = params.validated_data.get("kind", "")
        limit = params.validated_data.get("limit", DEFAULT_LIMIT)
        as_xml = isinstance(request.accepted_renderer, CebXMLRenderer)
        if as_xml:
            if not kind:
                return self._error(
                    "kind_required",
                    _("Say which return message you want with ?kind= (order, payment, waybill, "
                      "inventory, cancel or departure)."),
                )  # fmt: skip
            limit = min(limit, MAX_RETURNS_PER_MESSAGE)
        services.receipts_sequence()
        rows = services.receipts_after(
            enterprise_id=request_enterprise(request).pk, cursor=cursor, limit=limit, kind=kind
        )
        next_cursor = rows[-1].position if rows else cursor
        if as_xml:
            if not rows:
                return Response(
                    None, status=status.HTTP_204_NO_CONTENT, headers={"X-Portal-Next": str(next_cursor)}
                )
            return Response(return_message(kind, rows), headers={"X-Portal-Next": str(next_cursor)})
        return Response({"receipts": [services.receipt_as_dict(r) for r in rows], "next": next_cursor})

    def _error(self, code: str, message: str) -> Response:
        response = Response({"code": code, "message": message}, status=status.HTTP_400_BAD_REQUEST)
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        # errors are JSON whatever the caller accepts (customs_portal.api_errors' shape)
        if (
            isinstance(getattr(request, "accepted_renderer", None), CebXMLRenderer)
            and response.status_code >= 400
        ):
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)
