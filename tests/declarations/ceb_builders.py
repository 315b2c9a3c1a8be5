"""Valid CEB entries and messages built for tests (the official samples fail the schema).

``*_entry(...)`` return JSON-ready entry dicts (strings and numbers as a platform sends
them); ``message(kind, entries)`` renders the matching CEB XML message, fields in schema
order, which passes the XSD.
"""

import itertools
import uuid
from decimal import Decimal
from xml.sax.saxutils import escape

from declarations.ceb import CEB_NS, KIND_BY_NAME
from declarations.serializers import schema_fields

_seq = itertools.count(1)


# the JSON intake endpoint of each kind (CEB XML of every kind goes to /api/v1/messages/)
JSON_ENDPOINTS = {
    "order": "/api/v1/orders/",
    "payment": "/api/v1/payments/",
    "waybill": "/api/v1/waybills/",
    "inventory": "/api/v1/inventories/",
    "cancel": "/api/v1/inventory-cancels/",
    "departure": "/api/v1/departures/",
    "waybill_summary": "/api/v1/waybill-summaries/",
    "arrival": "/api/v1/arrivals/",
}


def guid() -> str:
    return str(uuid.uuid4()).upper()


def order_entry(*, ebp, ebc, order_no=None, lines=None, freight="10", currency="142"):
    lines = lines or [{"itemNo": "SKU-1", "qty": "2", "price": "50", "totalPrice": "100"}]
    total = sum(Decimal(str(line["totalPrice"])) for line in lines)
    return {
        "guid": guid(),
        "appType": "1",
        "appTime": "20260105101010",
        "appStatus": "2",
        "orderType": "E",
        "orderNo": order_no or f"ORD{next(_seq):08d}",
        "ebpCode": ebp.customs_code,
        "ebpName": ebp.name[:100],
        "ebcCode": ebc.customs_code,
        "ebcName": ebc.name[:100],
        "goodsValue": str(total),
        "freight": freight,
        "currency": currency,
        "note": "",
        "lines": [
            {
                "gnum": index,
                "itemNo": line["itemNo"],
                "itemName": line.get("itemName", "Bluetooth speaker 蓝牙音箱"),
                "unit": "007",
                "currency": currency,
                "qty": str(line["qty"]),
                "price": str(line["price"]),
                "totalPrice": str(line["totalPrice"]),
            }
            for index, line in enumerate(lines, start=1)
        ],
    }


def payment_entry(*, ebp, ebc, pay, order_no, charge="110", currency="142"):
    return {
        "guid": guid(),
        "appType": "1",
        "appTime": "20260105101010",
        "appStatus": "2",
        "ebpCode": ebp.customs_code,
        "ebpName": ebp.name[:100],
        "ebcCode": ebc.customs_code,
        "ebcName": ebc.name[:100],
        "orderNo": order_no,
        "payCode": pay.customs_code,
        "payName": pay.name[:100],
        "payNo": f"PAY{next(_seq):08d}",
        "charge": charge,
        "currency": currency,
        "accountingDate": "20260105101010",
    }


def waybill_entry(*, logistics, logistics_no=None, ebc=None, freight="10", currency="142"):
    entry = {
        "guid": guid(),
        "appType": "1",
        "appTime": "20260105101010",
        "appStatus": "2",
        "logisticsCode": logistics.customs_code,
        "logisticsName": logistics.name[:100],
        "logisticsNo": logistics_no or f"LN{next(_seq):010d}",
        "freight": freight,
        "insuredFee": "0",
        "currency": currency,
        "grossWeight": "1.5",
        "packNo": 1,
        "goodsInfo": "speaker",
    }
    if ebc is not None:
        entry["ebcCode"] = ebc.customs_code
        entry["ebcName"] = ebc.name[:100]
    return entry


def inventory_entry(
    *, ebp, ebc, agent, owner, logistics, order_no, logistics_no, cop_no=None, lines=None,
    app_status="2", statistics_flag="B", freight="10", currency="142",
):  # fmt: skip
    lines = lines or [
        {"itemNo": "SKU-1", "gcode": "8518220000", "qty": "2", "price": "50", "totalPrice": "100"}
    ]
    return {
        "guid": guid(),
        "appType": "1",
        "appTime": "20260105101010",
        "appStatus": app_status,
        "customsCode": "2244",
        "ebpCode": ebp.customs_code,
        "ebpName": ebp.name[:100],
        "orderNo": order_no,
        "logisticsCode": logistics.customs_code,
        "logisticsName": logistics.name[:100],
        "logisticsNo": logistics_no,
        "copNo": cop_no or f"COP{next(_seq):08d}",
        "ieFlag": "E",
        "portCode": "2244",
        "ieDate": "20260105",
        "statisticsFlag": statistics_flag,
        "agentCode": agent.customs_code,
        "agentName": agent.name[:100],
        "ebcCode": ebc.customs_code,
        "ebcName": ebc.name[:100],
        "ownerCode": owner.customs_code,
        "ownerName": owner.name[:100],
        "tradeMode": "9610",
        "trafMode": "5",
        "country": "502",
        "POD": "USA",
        "freight": freight,
        "fCurrency": currency,
        "fFlag": "3",
        "insuredFee": "0",
        "iCurrency": currency,
        "iFlag": "3",
        "wrapType": "2",
        "packNo": 1,
        "grossWeight": "1.5",
        "netWeight": "1.2",
        "lines": [
            {
                "gnum": index,
                "itemNo": line["itemNo"],
                "gcode": line["gcode"],
                "gname": line.get("gname", "蓝牙音箱"),
                "gmodel": "BT-5",
                "barCode": "",
                "country": "502",
                "currency": currency,
                "qty": str(line["qty"]),
                "qty1": str(line["qty"]),
                "unit": "007",
                "unit1": "007",
                "price": str(line["price"]),
                "totalPrice": str(line["totalPrice"]),
            }
            for index, line in enumerate(lines, start=1)
        ],
    }


def cancel_entry(*, agent, ebc, cop_no, invt_no, reason="Customer cancelled the order"):
    return {
        "guid": guid(),
        "appType": "1",
        "appTime": "20260105101010",
        "appStatus": "2",
        "customsCode": "2244",
        "copNo": cop_no,
        "invtNo": invt_no,
        "reason": reason,
        "agentCode": agent.customs_code,
        "agentName": agent.name[:100],
        "ebcCode": ebc.customs_code,
        "ebcName": ebc.name[:100],
    }


def departure_entry(*, logistics, logistics_nos, cop_no=None, leave_time="20260106080000"):
    return {
        "guid": guid(),
        "appType": "1",
        "appTime": "20260106070000",
        "appStatus": "2",
        "customsCode": "2244",
        "copNo": cop_no or f"DEP{next(_seq):08d}",
        "logisticsCode": logistics.customs_code,
        "logisticsName": logistics.name[:100],
        "trafMode": "5",
        "leaveTime": leave_time,
        "msgCount": 1,
        "msgSeqNo": 1,
        "lines": [{"gnum": i, "logisticsNo": no} for i, no in enumerate(logistics_nos, start=1)],
    }


def departure_by_package_entry(*, logistics, packages, cop_no=None, leave_time="20260106080000"):
    """A departure naming total packages: each line a package and one of its waybills."""
    entry = departure_entry(logistics=logistics, logistics_nos=[], cop_no=cop_no, leave_time=leave_time)
    entry["lines"] = [
        {"gnum": i, "totalPackageNo": package, "logisticsNo": number}
        for i, (package, number) in enumerate(packages, start=1)
    ]
    return entry


def waybill_summary_entry(*, logistics, lines, bill_no="BILL2026001", cop_no=None):
    """CEB607: ``lines`` are (logisticsNo, totalPackageNo, invtNo) triples (the last two may be "")."""
    return {
        "guid": guid(),
        "appType": "1",
        "appTime": "20260106060000",
        "appStatus": "2",
        "customsCode": "2244",
        "copNo": cop_no or f"WBS{next(_seq):08d}",
        "agentCode": logistics.customs_code,
        "agentName": logistics.name[:100],
        "trafMode": "5",
        "trafName": "AIR",
        "voyageNo": "CA1234",
        "billNo": bill_no,
        "grossWeight": "12.5",
        "logisticsCode": logistics.customs_code,
        "logisticsName": logistics.name[:100],
        "msgCount": 1,
        "msgSeqNo": 1,
        "lines": [
            {"gnum": i, "totalPackageNo": package, "logisticsNo": number, "invtNo": invt_no}
            for i, (number, package, invt_no) in enumerate(lines, start=1)
        ],
    }


def arrival_entry(*, logistics, lines, cop_no=None, app_time="20260106063000", bill_no="BILL2026001"):
    """CEB507: ``lines`` are (logisticsNo, totalPackageNo) pairs (the package may be "")."""
    return {
        "guid": guid(),
        "appType": "1",
        "appTime": app_time,
        "appStatus": "2",
        "customsCode": "2244",
        "copNo": cop_no or f"ARR{next(_seq):08d}",
        "operatorCode": "3100000001",
        "operatorName": "Pudong airport supervision site",
        "ieFlag": "E",
        "trafMode": "5",
        "billNo": bill_no,
        "domesticTrafNo": "沪A12345",
        "logisticsCode": logistics.customs_code,
        "logisticsName": logistics.name[:100],
        "msgCount": 1,
        "msgSeqNo": 1,
        "lines": [
            {"gnum": i, "logisticsNo": number, "totalPackageNo": package}
            for i, (number, package) in enumerate(lines, start=1)
        ],
    }


def _fields_xml(element_name: str, data: dict) -> str:
    parts = []
    for spec in schema_fields(element_name):
        if spec.name in data and data[spec.name] is not None:
            parts.append(f"<ceb:{spec.name}>{escape(str(data[spec.name]))}</ceb:{spec.name}>")
    return "".join(parts)


def message(
    kind: str, entries: list[dict], *, cop_code="1234567890", signature: str = "", message_guid=None
) -> bytes:
    """A CEB message of ``kind`` carrying ``entries``, valid against the XSD."""
    spec = KIND_BY_NAME[kind]
    body = []
    for entry in entries:
        if spec.head:
            lines = "".join(
                f"<ceb:{spec.lines}>{_fields_xml(spec.lines, line)}</ceb:{spec.lines}>"
                for line in entry["lines"]
            )
            body.append(
                f"<ceb:{spec.entity}><ceb:{spec.head}>{_fields_xml(spec.head, entry)}</ceb:{spec.head}>{lines}</ceb:{spec.entity}>"
            )
        else:
            body.append(f"<ceb:{spec.entity}>{_fields_xml(spec.entity, entry)}</ceb:{spec.entity}>")
    transfer = (
        f"<ceb:BaseTransfer><ceb:copCode>{cop_code}</ceb:copCode><ceb:copName>Test</ceb:copName>"
        "<ceb:dxpMode>DXP</ceb:dxpMode><ceb:dxpId>DXPENT0000000001</ceb:dxpId></ceb:BaseTransfer>"
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ceb:{spec.root} guid="{message_guid or guid()}" version="1.0" '
        f'xmlns:ceb="{CEB_NS}">{"".join(body)}{transfer}{signature}</ceb:{spec.root}>'
    )
    return xml.encode("utf-8")


SIGNATURE = (
    '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>'
    '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>'
    '<ds:SignatureMethod Algorithm="http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3"/>'
    '<ds:Reference URI=""><ds:DigestMethod Algorithm="http://www.chinaport.gov.cn/2022/04/xmldsig#sm3"/>'
    "<ds:DigestValue>SF/P+2sVsRQ9dJIqJSroW6ajb0Y=</ds:DigestValue></ds:Reference></ds:SignedInfo>"
    "<ds:SignatureValue>AI0wdcUHaaOR+FZ7W8lN6FrjzS+iru1qoBTCxm4S6kk=</ds:SignatureValue></ds:Signature>"
)
