"""The one intake path: XML messages, JSON batches and the ops command all come through here.

``intake_entries`` validates every entry with the kind's serializer, refuses the entries the
sender does not speak for, records those refusals, and hands the rest to the kind's batch
service (``declarations.services``), which checks the business rules, detects duplicates and
writes. The answer is one receipt per entry, in the order the entries came.

An XML message's entities come as ``PreparedEntry`` (``prepared_entries``): typed straight
from the schema-valid tree (``serializers.xml_entry``), so they skip the serializer; an entity
the fast path cannot take carries its dict of strings and goes through the serializer as a
JSON entry does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from customs_portal import texts

from . import ceb
from .serializers import KEY_FIELDS, SERIALIZERS, xml_entry

MAX_BATCH_ENTRIES = 1000

# Which head codes may be the sender's: the party the entry speaks for.
SENDER_FIELDS = {
    "order": ("ebpCode", "ebcCode"),
    "payment": ("payCode",),
    "waybill": ("logisticsCode",),
    "inventory": ("agentCode", "ebcCode"),
    "cancel": ("agentCode", "ebcCode"),
    "departure": ("logisticsCode",),
    # the logistics enterprise reports its own parcels (never the site operator for it)
    "waybill_summary": ("logisticsCode",),
    "arrival": ("logisticsCode",),
    "refund": ("agentCode", "ebcCode"),
}

# Implementer-defined receipt code (4000-9999 are free): the key's enterprise is not the party.
CODE_NOT_SENDERS_PARTY = "4003"
NOT_SENDERS_PARTY = texts.define(
    "declarations.receipt.not_senders_party",
    _("the API key's enterprise (%(code)s) is not the %(fields)s of this entry"),
)
SCHEMA_REFUSED = texts.define(
    "declarations.receipt.schema_refused", _("The message does not conform to the CEB schema (2022-05):")
)


def _services():
    from . import services

    return services


def batch_service(kind: str):
    from .transit import services as transit_services

    services = _services()
    return {
        "order": services.order_receive_batch,
        "payment": services.payment_receive_batch,
        "waybill": services.waybill_receive_batch,
        "inventory": services.inventory_receive_batch,
        "cancel": services.inventory_cancel_receive_batch,
        "departure": services.departure_receive_batch,
        "waybill_summary": transit_services.waybill_summary_receive_batch,
        "arrival": transit_services.arrival_receive_batch,
        "refund": _refund_receive_batch,
    }[kind]


def _refund_receive_batch(*, entries, sender):
    from .returns.services import refund_receive_batch

    return refund_receive_batch(entries=entries, sender=sender)


def sender_codes(sender) -> set[str]:
    return {code for code in (sender.customs_code, sender.uscc) if code}


def speaks_for(kind: str, data: dict, sender) -> bool:
    codes = sender_codes(sender)
    return any(data.get(name) in codes for name in SENDER_FIELDS[kind])


@dataclass
class IntakeResult:
    receipts: list  # Receipt objects, one per entry, in order
    refused_for_sender: int = 0  # entries refused because the key speaks for someone else

    @property
    def all_refused_for_sender(self) -> bool:
        return bool(self.receipts) and self.refused_for_sender == len(self.receipts)

    def counts(self) -> dict[str, int]:
        counts = {"accepted": 0, "duplicate": 0, "rejected": 0}
        for receipt in self.receipts:
            counts[receipt.status] = counts.get(receipt.status, 0) + 1
        return counts

    def as_list(self) -> list[dict]:
        return [receipt.as_dict() for receipt in self.receipts]


@dataclass(slots=True)
class PreparedEntry:
    """One XML entity ready for the intake.

    ``raw``: the entity's strings as sent (for a kind with lines, its head's only: what the
    receipt and the sender check read); ``data``: the typed entry when the schema and the fast
    path have checked it (None: the serializer checks ``raw``, which is then the whole entity);
    ``whole``: the whole entity as strings, built only for the clearance error log.
    """

    raw: dict
    data: dict | None = None
    whole: Callable[[], dict] | None = None

    def as_sent(self) -> dict:
        return self.whole() if self.whole is not None else self.raw


def prepared_entries(message: ceb.ParsedMessage) -> list:
    """The message's entities for ``intake_entries``: PreparedEntry on the fast path, else dicts."""
    kind = message.kind
    if message.root is None:
        return list(message.entities)
    out: list = []
    for element in message.entity_elements():
        fast = xml_entry(element, kind.kind)
        if fast is None:
            out.append(PreparedEntry(raw=ceb.entity_dict(element, kind)))
        else:
            out.append(
                PreparedEntry(
                    raw=fast[0], data=fast[1], whole=lambda element=element: ceb.entity_dict(element, kind)
                )
            )
    return out


def intake_entries(*, kind: str, entries: list, sender) -> IntakeResult:
    """Validate, check the sender, and pass the good entries to the kind's batch service.

    ``entries`` are dicts as sent (JSON, or ``ceb.entity_dict``), or ``PreparedEntry`` (XML).
    """
    from .services.receipts import Receipt

    receipts: list = [None] * len(entries)
    rejections: list[dict] = []
    valid: list[tuple[int, dict]] = []
    refused_for_sender = 0
    serializer_class = SERIALIZERS[kind]
    party_fields = " / ".join(SENDER_FIELDS[kind])
    sent: list = []  # each entry as sent (its head, for a prepared one): what the receipt reads
    for index, item in enumerate(entries):
        prepared = item if isinstance(item, PreparedEntry) else None
        raw = prepared.raw if prepared is not None else item
        sent.append(raw)
        serializer = serializer_class(raw)
        if prepared is not None and prepared.data is not None:
            data = prepared.data  # checked by the schema and the fast path
        elif serializer.is_valid():
            data = serializer.validated_data
        else:
            data = None
        if data is None:
            info = texts.joined([ceb.CODE_SCHEMA, texts.joined(serializer.error_texts)], ": ")
        elif not speaks_for(kind, data, sender):
            refused_for_sender += 1
            info = texts.joined(
                [
                    CODE_NOT_SENDERS_PARTY,
                    texts.stored(
                        NOT_SENDERS_PARTY, code=sender.customs_code or sender.uscc, fields=party_fields
                    ),
                ],
                ": ",
            )
        else:
            valid.append((index, data))
            continue
        receipts[index] = Receipt(guid=serializer.guid, key=serializer.key, status="rejected", text=info)
        whole = prepared.as_sent() if prepared is not None else raw
        rejections.append(
            {
                "kind": kind,
                "key": serializer.key,
                "guid": serializer.guid,
                "reason": info,
                "payload": whole if isinstance(whole, dict) else {"entry": repr(whole)[:1000]},
            }
        )
    if rejections:
        record_rejections(sender=sender, rejections=rejections)
    if valid:
        results = batch_service(kind)(entries=[data for _, data in valid], sender=sender)
        for (index, _data), receipt in zip(valid, results, strict=True):
            receipts[index] = receipt
    from .exchange.services import receipts_record_intake  # the CEB receipts kept for the sender

    receipts_record_intake(kind=kind, entries=sent, receipts=receipts, sender=sender)
    return IntakeResult(receipts=receipts, refused_for_sender=refused_for_sender)


def record_rejections(*, sender, rejections: list[dict]) -> None:
    """Keep each refusal where the sender reads its clearance error log (the lists part's model)."""
    _services().intake_rejection_record_many(sender=sender, rejections=rejections)


def parse_or_refuse(*, body: bytes, sender) -> ceb.ParsedMessage:
    """Read one CEB XML message; raise ceb.MessageRefused (with its receipt) if it is refused whole.

    A message that fails the schema is also kept in the sender's clearance error log; other
    refusals (hostile, malformed, unknown) are answered but not stored. The synchronous path
    and the inbox (``Prefer: respond-async``) both start here.
    """
    from .services.receipts import Receipt

    try:
        message = ceb.parse_message(body)
    except ceb.MessageRefused as refused:
        if refused.code == ceb.CODE_SCHEMA:
            record_rejections(
                sender=sender,
                rejections=[
                    {
                        "kind": "message",
                        "key": "",
                        "guid": refused.guid,
                        "reason": schema_reason(refused),
                        "payload": {"root": refused.kind.root if refused.kind else ""},
                    }
                ],
            )
        refused.receipt = Receipt(guid=refused.guid, key="", status="rejected", text=refused.info)
        raise
    signature_check_or_refuse(message=message, sender=sender)
    return message


def signature_check_or_refuse(*, message: ceb.ParsedMessage, sender) -> None:
    """A signed message verifies against the sender's certificates (declarations.signatures);
    a refused one leaves its reason in the clearance error log and a CEB receipt per entry."""
    from .exchange.services import receipts_record_intake
    from .services.receipts import Receipt
    from .signatures.services import signature_check

    try:
        signature_check(message=message, sender=sender)
    except ceb.MessageRefused as refused:
        kind = message.kind.kind
        record_rejections(
            sender=sender,
            rejections=[
                {
                    "kind": "message",
                    "key": "",
                    "guid": refused.guid,
                    "reason": refused.info,
                    "payload": {"root": message.kind.root},
                }
            ],
        )
        key_field = KEY_FIELDS[kind]
        receipts = [
            Receipt(
                guid=str(entry.get("guid", ""))[:36],
                key=str(entry.get(key_field, ""))[:60],
                status="rejected",
                text=refused.info,
            )
            for entry in message.entities
        ]
        receipts_record_intake(kind=kind, entries=message.entities, receipts=receipts, sender=sender)
        refused.receipt = Receipt(guid=refused.guid, key="", status="rejected", text=refused.info)
        raise


def schema_reason(refused: ceb.MessageRefused) -> dict:
    """A message the schema refused, for the clearance error log: the reason in each reader's
    language, the schema's own error lines as the validator wrote them."""
    parts = [texts.stored(SCHEMA_REFUSED)]
    if refused.errors:
        parts.append("; ".join(refused.errors))
    return texts.joined([refused.code, texts.joined(parts, " ")], ": ")


def intake_message(*, body: bytes, sender) -> IntakeResult:
    """One CEB XML message; raises ceb.MessageRefused (after recording it) if it is refused whole."""
    message = parse_or_refuse(body=body, sender=sender)
    if message.signed:
        # kept as received; parse_or_refuse verified the signature against the sender's
        # registered certificates (declarations.signatures)
        store_signed(message, sender)
    return intake_entries(kind=message.kind.kind, entries=prepared_entries(message), sender=sender)


def store_signed(message: ceb.ParsedMessage, sender) -> None:
    """Keep a signed message as received, marked signed only when it is the sender's own.

    The header (BaseTransfer/copCode) names the enterprise that transmitted and signed it; a
    message whose header names another enterprise than the API key's is kept, but never as
    that enterprise's signed message (nobody can lodge a signature in another's name).
    """
    from .models import ReceivedMessage

    ReceivedMessage.objects.create(
        sender=sender,
        kind=message.kind.kind,
        guid=message.guid,
        signed=message.cop_code in sender_codes(sender),
        raw=message.raw.decode("utf-8", errors="replace"),
    )


__all__ = [
    "KEY_FIELDS",
    "MAX_BATCH_ENTRIES",
    "IntakeResult",
    "PreparedEntry",
    "intake_entries",
    "intake_message",
    "prepared_entries",
]
