"""Demo goods and parcels for the demo exporter 3100000002 (杭州云购跨境电商有限公司).

The parcels go through the real intake (the same serializers and batch services as the API),
sent by the demo platform, payment and logistics enterprises: one released and departed, one
released, one returned with its reasons, one waiting for its waybill, one temporarily stored.

Idempotent: every entry has a fixed guid and key, so a second run is answered "duplicate" and
changes nothing. A missing demo enterprise is skipped with a message.
"""

import uuid

EXPORTER, PLATFORM, LOGISTICS, PAYMENT = "3100000002", "3100000003", "3100000004", "3100000005"
PREFIX = "DEMO-YG-"

GOODS = [
    # item no, name, description, commodity code, approved
    ("YG-SPK-01", "蓝牙音箱", "便携式无线蓝牙音箱，黑色", "8518220000", True),
    ("YG-TEE-02", "棉质T恤", "男式纯棉短袖T恤", "6109100022", True),
    ("YG-BAG-03", "旅行收纳包", "尼龙旅行收纳包，六件套", "4202920000", True),
    ("YG-PWR-04", "移动电源", "10000毫安时移动电源", "8507600090", False),
]

# parcel no, goods lines (item, gcode as declared, qty, price), what it shows, documents sent
PARCELS = [
    ("01", [("YG-SPK-01", "8518220000", 2, "199")], "departed", ("order", "payment", "waybill")),
    ("02", [("YG-TEE-02", "6109100022", 3, "79"), ("YG-BAG-03", "4202920000", 1, "55")], "released",
     ("order", "payment", "waybill")),
    ("03", [("YG-SPK-01", "8518290000", 1, "199")], "returned", ("order", "payment", "waybill")),
    ("04", [("YG-BAG-03", "4202920000", 2, "55")], "waiting", ("order", "payment")),
    ("05", [("YG-TEE-02", "6109100022", 1, "79")], "stored", ("order", "payment", "waybill")),
]  # fmt: skip


def _guid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"customs-portal-demo/{name}")).upper()


def _entries(no: str, lines, parties, *, stored: bool):
    ebc, ebp, logistics, payment = parties
    order_no, logistics_no = f"{PREFIX}ORD{no}", f"{PREFIX}LN{no}"
    total = sum(qty * int(price) for _item, _gcode, qty, price in lines)
    common = {"appType": "1", "appTime": "20260105101010", "appStatus": "2"}
    order = common | {
        "guid": _guid(f"order/{no}"), "orderType": "E", "orderNo": order_no, "ebpCode": ebp.customs_code,
        "ebpName": ebp.name[:100], "ebcCode": ebc.customs_code, "ebcName": ebc.name[:100],
        "goodsValue": str(total), "freight": "15", "currency": "142",
        "lines": [
            {"gnum": g, "itemNo": item, "itemName": item, "unit": "007", "currency": "142", "qty": str(qty),
             "price": price, "totalPrice": str(qty * int(price))}
            for g, (item, _gcode, qty, price) in enumerate(lines, start=1)
        ],
    }  # fmt: skip
    pay = common | {
        "guid": _guid(f"payment/{no}"), "ebpCode": ebp.customs_code, "ebpName": ebp.name[:100],
        "ebcCode": ebc.customs_code, "ebcName": ebc.name[:100], "orderNo": order_no,
        "payCode": payment.customs_code, "payName": payment.name[:100], "payNo": f"{PREFIX}PAY{no}",
        "charge": str(total + 15), "currency": "142", "accountingDate": "20260105101010",
    }  # fmt: skip
    waybill = common | {
        "guid": _guid(f"waybill/{no}"), "logisticsCode": logistics.customs_code,
        "logisticsName": logistics.name[:100], "logisticsNo": logistics_no, "freight": "15", "insuredFee": "0",
        "currency": "142", "grossWeight": "1.2", "packNo": 1, "goodsInfo": "跨境电商零售出口商品",
        "ebcCode": ebc.customs_code, "ebcName": ebc.name[:100],
    }  # fmt: skip
    inventory = common | {
        "guid": _guid(f"inventory/{no}"), "appStatus": "1" if stored else "2", "customsCode": "2244",
        "ebpCode": ebp.customs_code, "ebpName": ebp.name[:100], "orderNo": order_no,
        "logisticsCode": logistics.customs_code, "logisticsName": logistics.name[:100],
        "logisticsNo": logistics_no, "copNo": f"{PREFIX}{no}", "ieFlag": "E", "portCode": "2244",
        "ieDate": "20260105", "statisticsFlag": "B", "agentCode": ebc.customs_code, "agentName": ebc.name[:100],
        "ebcCode": ebc.customs_code, "ebcName": ebc.name[:100], "ownerCode": ebc.customs_code,
        "ownerName": ebc.name[:100], "tradeMode": "9610", "trafMode": "5", "country": "502", "POD": "USA",
        "freight": "15", "fCurrency": "142", "fFlag": "3", "insuredFee": "0", "iCurrency": "142", "iFlag": "3",
        "wrapType": "2", "packNo": 1, "grossWeight": "1.2", "netWeight": "1.0",
        "lines": [
            {"gnum": g, "itemNo": item, "gcode": gcode, "gname": item, "gmodel": "标准款", "barCode": "",
             "country": "502", "currency": "142", "qty": str(qty), "qty1": str(qty), "unit": "007",
             "unit1": "007", "price": price, "totalPrice": str(qty * int(price))}
            for g, (item, gcode, qty, price) in enumerate(lines, start=1)
        ],
    }  # fmt: skip
    return {"order": order, "payment": pay, "waybill": waybill, "inventory": inventory}


def _seed_goods(exporter) -> int:
    from customs_portal.fsm import run_transition

    from .models import Goods, GoodsHistory

    existing = set(Goods.objects.filter(enterprise=exporter).values_list("item_no", flat=True))
    added = 0
    for item_no, name, description, gcode, approve in GOODS:
        if item_no in existing:
            continue
        goods = Goods.objects.create(
            enterprise=exporter, item_no=item_no, name=name, description=description, gcode=gcode,
            unit="007", unit1="007",
        )  # fmt: skip
        added += 1
        if approve:
            run_transition(
                instance=goods,
                transition="approve",
                history_model=GoodsHistory,
                actor_label="customs (demo)",
                reason="演示数据",
            )
    return added


def seed(*, stdout):
    from registration.models import Enterprise

    from .intake import intake_entries

    codes = (EXPORTER, PLATFORM, LOGISTICS, PAYMENT)
    found = {e.customs_code: e for e in Enterprise.objects.approved().filter(customs_code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        stdout.write(f"declarations demo: skipped (no approved enterprise {', '.join(missing)})")
        return []
    exporter, platform, logistics, payment = (found[code] for code in codes)
    goods_added = _seed_goods(exporter)

    senders = {"order": platform, "payment": payment, "waybill": logistics, "inventory": exporter}
    parcels = [
        (
            _entries(no, lines, (exporter, platform, logistics, payment), stored=shows == "stored"),
            shows,
            kinds,
        )
        for no, lines, shows, kinds in PARCELS
    ]
    accepted = 0
    for kind in ("order", "payment", "waybill", "inventory"):
        entries = [p[kind] for p, _shows, kinds in parcels if kind in kinds or kind == "inventory"]
        result = intake_entries(kind=kind, entries=entries, sender=senders[kind])
        accepted += result.counts()["accepted"]
    departing = [p["waybill"]["logisticsNo"] for p, shows, _kinds in parcels if shows == "departed"]
    departure = {
        "guid": _guid("departure/01"), "appType": "1", "appTime": "20260106070000", "appStatus": "2",
        "customsCode": "2244", "copNo": f"{PREFIX}DEP01", "logisticsCode": logistics.customs_code,
        "logisticsName": logistics.name[:100], "trafMode": "5", "leaveTime": "20260106080000",
        "msgCount": 1, "msgSeqNo": 1,
        "lines": [{"gnum": g, "logisticsNo": no} for g, no in enumerate(departing, start=1)],
    }  # fmt: skip
    accepted += sum(r.status == "accepted" for r in intake_entries(
        kind="departure", entries=[departure], sender=logistics
    ).receipts)  # fmt: skip
    stdout.write(
        f"declarations demo: {goods_added} goods, {accepted} entries accepted (parcels {PREFIX}01-05)"
    )
    return []
