"""``Prefer: respond-async`` (RFC 7240) on the intake endpoints, and the inbox's polling.

With the preference the request is checked as the synchronous path checks it (key, size, the
XML schema or the JSON envelope; refusals answered exactly as without it), stored in one
insert, and answered at once: 202 ``{"guid", "status": "received", "location"}`` with
``Location`` and ``Preference-Applied: respond-async``. ``GET /api/v1/messages/<guid>/``
answers the message's status, and its receipts once a worker has processed it.
"""

from django.core.exceptions import RequestDataTooBig
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_portal.api import MAX_JSON_BYTES, BodyTooLarge, IsEnterpriseMember, request_enterprise
from declarations import intake

from . import selectors, services
from .models import InboxFormat, InboxMessage, InboxStatus

RESPOND_ASYNC = "respond-async"

PREFER_PARAMETER = OpenApiParameter(
    "Prefer",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="respond-async (RFC 7240): store the message and answer 202 at once; "
    "poll the Location for its receipts.",
)


def prefers_async(request) -> bool:
    """Whether a ``Prefer`` header (several are joined with commas) asks for respond-async."""
    for preference in request.headers.get("Prefer", "").split(","):
        token = preference.split(";", 1)[0].split("=", 1)[0].strip().lower()
        if token == RESPOND_ASYNC:
            return True
    return False


# the inbox's status as a plain string in the schema: a second enum named "status" would collide
STATUS_HELP = "received (waiting for a worker), done (the receipts are in), failed"


class AcceptedSerializer(serializers.Serializer):
    guid = serializers.UUIDField()
    status = serializers.CharField(help_text=STATUS_HELP)
    location = serializers.CharField(help_text="Where to poll: GET it for the receipts.")


ACCEPTED = OpenApiResponse(
    AcceptedSerializer,
    description="With Prefer: respond-async: checked and stored; the receipts come at the location.",
)


def accepted(message: InboxMessage) -> Response:
    response = Response(
        {"guid": str(message.guid), "status": message.status, "location": message.location},
        status=status.HTTP_202_ACCEPTED,
    )
    response["Location"] = message.location
    response["Preference-Applied"] = RESPOND_ASYNC
    return response


def accept_xml(*, body: bytes, sender) -> Response:
    """Check one CEB message as the synchronous path does, then store it (202).

    Raises ceb.MessageRefused exactly as the synchronous path does (``intake.parse_or_refuse``):
    the view answers it the same way.
    """
    message = intake.parse_or_refuse(body=body, sender=sender)
    stored = services.inbox_receive(
        sender=sender,
        kind=message.kind.kind,
        fmt=InboxFormat.XML,
        body=body,
        entry_count=message.entity_count,
        message_guid=message.guid,
    )
    return accepted(stored)


def read_json_body(request) -> bytes:
    """The JSON body as sent, read before DRF parses it (the parser then reads this copy)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_JSON_BYTES:
        raise BodyTooLarge()
    try:
        body = request._request.body
    except RequestDataTooBig:
        raise BodyTooLarge() from None
    if len(body) > MAX_JSON_BYTES:
        raise BodyTooLarge()
    return body


def accept_entries(*, kind: str, body: bytes, entry_count: int, sender) -> Response:
    """A JSON batch whose envelope passed the checks: store it as sent (202)."""
    stored = services.inbox_receive(
        sender=sender, kind=kind, fmt=InboxFormat.JSON, body=body, entry_count=entry_count
    )
    return accepted(stored)


# --- polling --------------------------------------------------------------------------------
class InboxReceiptSerializer(serializers.Serializer):
    guid = serializers.CharField()
    key = serializers.CharField()
    status = serializers.CharField(help_text="accepted, duplicate or rejected")
    info = serializers.CharField(allow_blank=True)


class InboxMessageSerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text=STATUS_HELP)
    receivedAt = serializers.DateTimeField(source="received_at")
    processedAt = serializers.DateTimeField(source="processed_at", allow_null=True)
    receipts = InboxReceiptSerializer(
        many=True,
        allow_null=True,
        help_text="One per entry, in the order sent, once processed (null before, or if it failed).",
    )

    class Meta:
        model = InboxMessage
        fields = ["guid", "kind", "status", "receivedAt", "processedAt", "receipts"]


class InboxMessageView(APIView):
    """``GET /api/v1/messages/<guid>/``: an asynchronous message's status and receipts."""

    permission_classes = [IsEnterpriseMember]

    @extend_schema(responses={200: InboxMessageSerializer})
    def get(self, request, guid):
        message = selectors.inbox_message_get(sender=request_enterprise(request), guid=guid)
        data = InboxMessageSerializer(message).data
        if message.status != InboxStatus.DONE:
            data["receipts"] = None
        return Response(data)
