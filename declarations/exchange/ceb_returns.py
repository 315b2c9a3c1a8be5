"""CEB return messages (2022-05 schema) built from receipt rows: CEB304, 404, 506, 604, 606, 510,
608, 508.

Each kind's return element is read from the schema itself (field order, lengths), so every
message passes the XSD. A receipt's fields come from the entry as sent; where the entry could
not give a value the schema demands (a rejected entry without a 36-character guid, a list
with no pre-entry number yet) the element carries a stated stand-in:
- ``guid``: the entry's own when it has 36 characters, else a UUID derived from the receipt;
- ``preNo`` (exactly 18 characters): the list's preNo, else its inventory number (also 18
  characters), else eighteen zeros (no number exists);
- ``statisticsFlag`` (one character): the list's, else ``B``; ``msgSeqNo``: the departure's, else 1;
- any other string is cut to its maximum length; an optional field left empty is left out.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django.utils import timezone
from lxml import etree

from declarations.ceb import CEB_NS
from declarations.serializers import schema_fields

MAX_RETURNS_PER_MESSAGE = 100  # maxOccurs of each return element in its message
NO_PRE_NO = "0" * 18
# characters XML 1.0 cannot carry (a JSON entry may hold them in a key or a reason)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NAMESPACE = uuid.UUID("5b0a4c8e-9a63-4d1e-8f4e-3d2b8c1f7a10")  # the portal's receipts


@dataclass(frozen=True)
class ReturnMessage:
    root: str
    element: str


RETURN_MESSAGES = {
    "order": ReturnMessage("CEB304Message", "OrderReturn"),
    "payment": ReturnMessage("CEB404Message", "ReceiptsReturn"),
    "waybill": ReturnMessage("CEB506Message", "LogisticsReturn"),
    "inventory": ReturnMessage("CEB604Message", "InventoryReturn"),
    "cancel": ReturnMessage("CEB606Message", "InvtCancelReturn"),
    "departure": ReturnMessage("CEB510Message", "DepartureReturn"),
    "waybill_summary": ReturnMessage("CEB608Message", "WayBillReturn"),
    "arrival": ReturnMessage("CEB508Message", "ArrivalReturn"),
    "refund": ReturnMessage("CEB214Message", "RefundReturn"),
}


def return_time(moment) -> str:
    """``yyyyMMddHHmmssfff`` in the portal's time zone (China Standard Time)."""
    local = timezone.localtime(moment)
    return local.strftime("%Y%m%d%H%M%S") + f"{local.microsecond // 1000:03d}"


def receipt_guid(receipt) -> str:
    guid = receipt.guid or ""
    if len(guid) == 36:
        return guid
    return str(uuid.uuid5(_NAMESPACE, f"receipt:{receipt.pk}")).upper()


def return_values(receipt) -> dict[str, str]:
    """The return element's fields for one receipt, in schema order, fitted to the schema."""
    fields = receipt.fields or {}
    given = {
        **fields,
        "guid": receipt_guid(receipt),
        "returnStatus": receipt.return_status,
        "returnTime": return_time(receipt.created_at),
        "returnInfo": receipt.return_info,
    }
    values: dict[str, str] = {}
    for spec in schema_fields(RETURN_MESSAGES[receipt.kind].element):
        value = NOT_XML.sub("", str(given.get(spec.name) or ""))
        if spec.name == "preNo" and len(value) != 18:
            invt_no = str(fields.get("invtNo") or "")
            value = invt_no if len(invt_no) == 18 else NO_PRE_NO
        elif spec.name == "statisticsFlag" and len(value) != 1:
            value = "B"
        elif spec.type == "int":
            value = value if value.isdigit() and len(value) <= (spec.total_digits or 9) else "1"
        if spec.max_length is not None:
            value = value[: spec.max_length]
        if not value and not spec.required:
            continue
        values[spec.name] = value
    return values


def return_message(kind: str, receipts: list) -> bytes:
    """One return message of ``kind`` carrying ``receipts`` (1 to 100 of that kind)."""
    spec = RETURN_MESSAGES[kind]
    if not 1 <= len(receipts) <= MAX_RETURNS_PER_MESSAGE:
        raise ValueError(f"a {spec.root} carries 1 to {MAX_RETURNS_PER_MESSAGE} returns")
    # the same receipts give the same message guid: a page fetched twice is the same message
    guid = str(uuid.uuid5(_NAMESPACE, f"{kind}:{receipts[0].pk}:{receipts[-1].pk}")).upper()
    root = etree.Element(f"{{{CEB_NS}}}{spec.root}", nsmap={"ceb": CEB_NS})
    root.set("guid", guid)
    root.set("version", "1.0")
    for receipt in receipts:
        if receipt.kind != kind:
            raise ValueError(f"a {kind} message cannot carry a {receipt.kind} receipt")
        element = etree.SubElement(root, f"{{{CEB_NS}}}{spec.element}")
        for name, value in return_values(receipt).items():
            etree.SubElement(element, f"{{{CEB_NS}}}{name}").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
