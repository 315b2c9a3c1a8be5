"""REST intake and polling: CEB XML messages, JSON batches, goods, declaration lists.

Answers to intake are always a JSON list of receipts ``{"guid", "key", "status", "info"}``,
one per business entry, for XML and JSON alike:
- 200: the request was read; each entry has its own receipt (accepted, duplicate, rejected);
- 202: with ``Prefer: respond-async``, checked as below and stored; the receipts are polled at
  ``GET /api/v1/messages/<guid>/`` once a worker has run it (declarations.inbox);
- 403: the same list, when every entry was refused because the API key's enterprise is not
  the party the entries speak for;
- 400: the request as a whole was refused (not JSON, no ``entries`` list, more than 1,000
  entries, XML not well-formed, DTD/entities, unknown message, schema failure): a list with
  one rejected receipt for XML, ``{"code", "message"}`` for a JSON envelope (NaN/Infinity,
  NUL characters, lone surrogates and nesting deeper than 64 levels are refused there too:
  customs_portal.api.SafeJSONParser);
- 413: the body is larger than 10 MB (nothing is read): a receipt for XML,
  ``{"code", "message"}`` for JSON.
Errors outside these (401, 403 for a caller that is not an approved enterprise, 415, 500) are
``{"code", "message"}`` (customs_portal.api_errors); customs_portal.api_schema documents them.
"""

from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.api import DecimalJSONParser, IsEnterpriseMember, request_enterprise
from customs_portal.api_schema import ErrorSerializer, Shapes
from customs_portal.errors import ApplicationError

from . import ceb, selectors
from .inbox import api as inbox_api
from .intake import MAX_BATCH_ENTRIES, intake_entries, intake_message
from .models import Goods, GoodsStatus, Inventory, InventoryStatus
from .services import goods as goods_services


def _receipt_response(result, *, refused_status=status.HTTP_403_FORBIDDEN) -> Response:
    code = refused_status if result.all_refused_for_sender else status.HTTP_200_OK
    return Response(result.as_list(), status=code)


def _refused_message(refused: ceb.MessageRefused) -> Response:
    code = (
        status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        if refused.code == ceb.CODE_TOO_LARGE
        else status.HTTP_400_BAD_REQUEST
    )
    receipt = getattr(refused, "receipt", None)
    body = (
        receipt.as_dict()
        if receipt
        else {"guid": refused.guid, "key": "", "status": "rejected", "info": refused.info}
    )
    return Response([body], status=code)


# --- schema documentation only (the entries are validated by declarations.serializers) -----
class ReceiptSerializer(serializers.Serializer):
    guid = serializers.CharField()
    key = serializers.CharField(help_text="The entry's business key: orderNo, logisticsNo, copNo...")
    status = serializers.ChoiceField(choices=["accepted", "duplicate", "rejected"])
    info = serializers.CharField(allow_blank=True)


class EntriesSerializer(serializers.Serializer):
    entries = serializers.ListField(
        child=serializers.DictField(),
        max_length=MAX_BATCH_ENTRIES,
        help_text='The message head\'s fields (CEB names), with the goods lines under "lines".',
    )


RECEIPTS = ReceiptSerializer(many=True)
REFUSED_FOR_SENDER = OpenApiResponse(
    Shapes(RECEIPTS, ErrorSerializer),
    description="Every entry speaks for another enterprise (the receipts), or the caller is not an "
    "approved enterprise (an error).",
)
UNSUPPORTED = OpenApiResponse(ErrorSerializer, description="The body is not of the media type this takes.")
INTAKE_RESPONSES = {
    200: OpenApiResponse(RECEIPTS, description="One receipt per entry, in the order sent."),
    202: inbox_api.ACCEPTED,
    400: OpenApiResponse(ErrorSerializer, description="The request as a whole was refused."),
    403: REFUSED_FOR_SENDER,
    413: OpenApiResponse(ErrorSerializer, description="The body is larger than 10 MB and was not read."),
    415: UNSUPPORTED,
}


class MessageIntakeView(APIView):
    """``POST /api/v1/messages/``: one CEB message (303, 403, 505, 603, 605, 607, 507, 509, 213) as XML."""

    permission_classes = [IsEnterpriseMember]
    parser_classes = []  # the body is read raw, bounded, and parsed by declarations.ceb

    XML_TYPES = ("application/xml", "text/xml")

    @extend_schema(
        request={"application/xml": OpenApiTypes.STR},
        responses={
            200: OpenApiResponse(RECEIPTS, description="One receipt per entry, in the order sent."),
            202: inbox_api.ACCEPTED,
            400: OpenApiResponse(RECEIPTS, description="The message was refused whole: one receipt."),
            403: REFUSED_FOR_SENDER,
            413: OpenApiResponse(RECEIPTS, description="Larger than 10 MB, not read: one receipt."),
            415: UNSUPPORTED,
        },
        description="One CEB message (CEB303, 403, 505, 603, 605, 607, 507, 509, 213), 2022-05 schema, at most 10 MB.",
        parameters=[inbox_api.PREFER_PARAMETER],
    )
    def post(self, request):
        content_type = (request.content_type or "").split(";")[0].strip().lower()
        if content_type not in self.XML_TYPES:
            return Response(
                {
                    "code": "unsupported_media_type",
                    "message": _("Send the message as application/xml or text/xml."),
                },
                status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        too_large = ceb.MessageRefused(
            ceb.CODE_TOO_LARGE,
            _("The message is larger than %(limit)d MB and was not read.")
            % {"limit": ceb.MAX_MESSAGE_BYTES // (1024 * 1024)},
        )
        if length > ceb.MAX_MESSAGE_BYTES:
            return _refused_message(too_large)
        try:
            body = request._request.body
        except RequestDataTooBig:
            return _refused_message(too_large)
        try:
            if inbox_api.prefers_async(request):  # checked, stored, answered 202 at once
                return inbox_api.accept_xml(body=body, sender=request_enterprise(request))
            result = intake_message(body=body, sender=request_enterprise(request))
        except ceb.MessageRefused as refused:
            return _refused_message(refused)
        return _receipt_response(result)


class BatchIntakeView(APIView):
    """``POST`` ``{"entries": [...]}`` (at most 1,000) of one kind; the answer is the receipts."""

    permission_classes = [IsEnterpriseMember]
    parser_classes = [DecimalJSONParser]
    kind = ""
    serializer_class = EntriesSerializer

    @extend_schema(
        request=EntriesSerializer, responses=INTAKE_RESPONSES, parameters=[inbox_api.PREFER_PARAMETER]
    )
    def post(self, request):
        from .signatures.services import signatures_required

        if signatures_required(request_enterprise(request)):  # a JSON entry cannot carry a signature
            raise ApplicationError(
                "signature_required",
                _(
                    "Your enterprise requires every message to be signed: send signed CEB XML to /api/v1/messages/."
                ),
            )
        # Prefer: respond-async keeps the body as sent, read before DRF parses it
        raw = inbox_api.read_json_body(request) if inbox_api.prefers_async(request) else None
        data = request.data  # bounded and strict: SafeJSONParser answers 413 or 400 itself
        entries = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ApplicationError("invalid_body", _('The body must be a JSON object {"entries": [...]}.'))
        if not entries:
            raise ApplicationError("no_entries", _("The entries list is empty."))
        if len(entries) > MAX_BATCH_ENTRIES:
            raise ApplicationError(
                "too_many_entries",
                _("At most %(max)d entries a request (got %(n)d); nothing was processed.")
                % {"max": MAX_BATCH_ENTRIES, "n": len(entries)},
            )
        if raw is not None:
            return inbox_api.accept_entries(
                kind=self.kind, body=raw, entry_count=len(entries), sender=request_enterprise(request)
            )
        result = intake_entries(kind=self.kind, entries=entries, sender=request_enterprise(request))
        return _receipt_response(result)


class OrderIntakeView(BatchIntakeView):
    kind = "order"


class PaymentIntakeView(BatchIntakeView):
    kind = "payment"


class WaybillIntakeView(BatchIntakeView):
    kind = "waybill"


class DepartureIntakeView(BatchIntakeView):
    kind = "departure"


class WaybillSummaryIntakeView(BatchIntakeView):
    """``POST /api/v1/waybill-summaries/``: CEB607 waybill summaries (lists into total packages)."""

    kind = "waybill_summary"


class ArrivalIntakeView(BatchIntakeView):
    """``POST /api/v1/arrivals/``: CEB507 arrivals at the supervision site."""

    kind = "arrival"


class RefundIntakeView(BatchIntakeView):
    """``POST /api/v1/inventory-returns/``: CEB213 returns as JSON (declarations.returns)."""

    kind = "refund"


# --- polling: declaration lists -------------------------------------------------------------
class InventoryPollSerializer(serializers.ModelSerializer):
    copNo = serializers.CharField(source="cop_no")
    invtNo = serializers.CharField(source="invt_no", allow_null=True)
    orderNo = serializers.CharField(source="order_no")
    logisticsNo = serializers.CharField(source="logistics_no")
    ebpCode = serializers.CharField(source="ebp_code")
    ebcCode = serializers.CharField(source="ebc_code")
    agentCode = serializers.CharField(source="agent_code")
    logisticsCode = serializers.CharField(source="logistics_code")
    totalValue = serializers.DecimalField(source="total_value", max_digits=19, decimal_places=5)
    returnReasons = serializers.SerializerMethodField()
    receivedAt = serializers.DateTimeField(source="received_at")
    # null until the list is declared, released, departed
    declaredAt = serializers.DateTimeField(source="declared_at", allow_null=True)
    releasedAt = serializers.DateTimeField(source="released_at", allow_null=True)
    departedAt = serializers.DateTimeField(source="departed_at", allow_null=True)
    tradeMode = serializers.CharField(source="trade_mode")
    # declarations.transit: the total package and bill (CEB607) and the arrival (CEB507), or null
    billNo = serializers.SerializerMethodField()
    totalPackageNo = serializers.SerializerMethodField()
    arrivedAt = serializers.SerializerMethodField()

    @staticmethod
    def _transit(obj):
        try:
            return obj.transit
        except Inventory.transit.RelatedObjectDoesNotExist:
            return None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_billNo(self, obj) -> str | None:  # noqa: N802 - the API's field name
        transit = self._transit(obj)
        return transit.bill_no if transit and transit.bill_no else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_totalPackageNo(self, obj) -> str | None:  # noqa: N802 - the API's field name
        transit = self._transit(obj)
        return transit.total_package_no if transit and transit.total_package_no else None

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_arrivedAt(self, obj):  # noqa: N802 - the API's field name
        transit = self._transit(obj)
        return (
            serializers.DateTimeField().to_representation(transit.arrived_at)
            if transit and transit.arrived_at
            else None
        )

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "reason": {"type": "string"}},
            },
        }
    )
    def get_returnReasons(self, obj) -> list[dict]:  # noqa: N802 - the API's field name
        # stored as message ids: rendered in the language of this request
        return selectors.reasons_rendered(obj.return_reasons)

    class Meta:
        model = Inventory
        fields = [
            "id", "guid", "copNo", "invtNo", "orderNo", "logisticsNo", "ebpCode", "ebcCode", "agentCode",
            "logisticsCode", "status", "channel", "totalValue", "returnReasons", "receivedAt",
            "declaredAt", "releasedAt", "departedAt", "tradeMode", "billNo", "totalPackageNo", "arrivedAt",
        ]  # fmt: skip


class InventoryFilterSerializer(serializers.Serializer):
    """The polling's query parameters; anything malformed is a 400, never silently ignored."""

    orderNo = serializers.CharField(required=False, max_length=60, allow_blank=True)
    status = serializers.ChoiceField(choices=InventoryStatus.choices, required=False, allow_blank=True)


@extend_schema_view(get=extend_schema(parameters=[InventoryFilterSerializer]))
class InventoryView(BatchIntakeView, generics.ListAPIView):
    """``POST /api/v1/inventories/`` (CEB603 entries) and ``GET ?orderNo=&status=`` (polling)."""

    kind = "inventory"
    serializer_class = InventoryPollSerializer

    def get_queryset(self):
        params = InventoryFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.inventory_list(
            enterprise=request_enterprise(self.request),
            parties=selectors.API_PARTIES,
            status=params.validated_data.get("status", ""),
            order_no=params.validated_data.get("orderNo", ""),
        ).select_related("transit")


class InventoryCancelIntakeView(BatchIntakeView):
    """``POST /api/v1/inventory-cancels/``: CEB605 cancellation requests as JSON."""

    kind = "cancel"


# --- goods ---------------------------------------------------------------------------------
class GoodsSerializer(serializers.ModelSerializer):
    class Meta:
        model = Goods
        fields = [
            "id", "item_no", "name", "description", "gcode", "unit", "unit1", "licence", "export_duty",
            "export_rebate", "status", "review_reason", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "status", "review_reason", "created_at", "updated_at"]
        validators = []  # item numbers are unique per enterprise: the service answers that

    def validate(self, attrs):
        merged = (
            {name: getattr(self.instance, name) for name in goods_services.EDITABLE_FIELDS}
            if self.instance
            else {}
        )
        merged.update(attrs)
        errors = goods_services.goods_field_errors(merged)
        if errors:
            raise serializers.ValidationError({name: [str(message)] for name, message in errors.items()})
        return attrs


class GoodsFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=GoodsStatus.choices, required=False, allow_blank=True)


@extend_schema_view(get=extend_schema(parameters=[GoodsFilterSerializer]))
class GoodsListCreateView(generics.ListCreateAPIView):
    """``GET /api/v1/goods/?status=`` the enterprise's goods; ``POST`` registers one item."""

    serializer_class = GoodsSerializer

    def get_queryset(self):
        params = GoodsFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return goods_services.goods_list(
            enterprise=request_enterprise(self.request), status=params.validated_data.get("status", "")
        )

    def perform_create(self, serializer):
        serializer.instance = goods_services.goods_create(
            enterprise=request_enterprise(self.request),
            actor=self.request.user,
            data=serializer.validated_data,
        )


class GoodsDetailView(generics.RetrieveUpdateAPIView):
    """``GET``/``PATCH /api/v1/goods/<id>/``: change goods while customs has not approved them."""

    serializer_class = GoodsSerializer

    def get_object(self):
        return goods_services.goods_get(enterprise=request_enterprise(self.request), pk=self.kwargs["pk"])

    def perform_update(self, serializer):
        serializer.instance = goods_services.goods_update(
            goods=serializer.instance, actor=self.request.user, data=serializer.validated_data
        )
