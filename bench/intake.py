"""Intake benchmark: N parcels through the JSON endpoints and the services, next to COPY.

Not a test. Run on PostgreSQL (a database of its own: the script migrates it and leaves the
rows there; every run uses fresh keys, so runs can follow each other):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/p_intake_bench \
        python bench/intake.py --parcels 2000 [--batch 1000] [--enterprises 4]

A parcel is an order (CEB303), a receipt (CEB403), a waybill (CEB505), a declared inventory
(CEB603, 1 to 5 lines) and, once cleared, its departure (CEB509). The script posts them in
batches through Django's test client (the whole stack: API-key authentication, DRF, the
intake serializers, the batch services, comparison and channels), then counts the lists by
status. It then writes the same rows with PostgreSQL COPY into scratch tables of the same
shape, in the same run, and prints both rates and their ratio, plus the number of queries
a batch costs (which must not grow with the number of lines).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings")
os.environ.setdefault("DB_CONN_MAX_AGE", "600")


def setup_django():
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (the bench writes to it).")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ensure_enterprises(count: int):
    """``count`` e-commerce enterprises (also platform, owner, declaring agent of their own
    lists), one logistics and one payment enterprise, all approved; their goods approved."""
    from registration.models import Enterprise, EnterpriseStatus

    def get(code, name, **roles):
        enterprise = Enterprise.objects.filter(customs_code=code).first()
        if enterprise is None:
            enterprise = Enterprise(
                name=name,
                uscc=f"91310000BNCH{code[-6:]}",
                customs_code=code,
                contact_name="Bench",
                contact_phone="13800000000",
                contact_email=f"bench{code}@example.com",
                **roles,
            )
            enterprise.__dict__["status"] = EnterpriseStatus.APPROVED
            enterprise.save()
        return enterprise

    sellers = [
        get(f"31990{i:05d}", f"Bench Seller {i}", is_ecommerce=True, is_platform=True, is_owner=True)
        for i in range(1, count + 1)
    ]
    logistics = get("3199100001", "Bench Logistics", is_logistics=True)
    payment = get("3199100002", "Bench Pay", is_payment=True)
    return sellers, logistics, payment


ITEMS = [(f"BENCH-{i:03d}", f"{8518220000 + i}") for i in range(20)]


def ensure_goods(sellers):
    from declarations.models import Goods, GoodsStatus

    existing = set(Goods.objects.filter(enterprise__in=sellers).values_list("enterprise_id", "item_no"))
    rows = []
    for seller in sellers:
        for item_no, gcode in ITEMS:
            if (seller.pk, item_no) not in existing:
                goods = Goods(
                    enterprise=seller,
                    item_no=item_no,
                    name="Bench goods",
                    gcode=gcode,
                    unit="007",
                    unit1="007",
                )
                goods.__dict__["status"] = GoodsStatus.APPROVED
                rows.append(goods)
    Goods.objects.bulk_create(rows)


def api_key(enterprise) -> str:
    from registration.models import EnterpriseAPIKey

    _, key = EnterpriseAPIKey.objects.create_key(name="bench", enterprise=enterprise)
    return key


def make_parcels(n: int, sellers, logistics, payment, run: str, rng: random.Random):
    """The entries of n parcels, grouped by kind and by sender."""
    by_kind = {kind: {} for kind in ("order", "payment", "waybill", "inventory")}
    for i in range(n):
        seller = sellers[i % len(sellers)]
        order_no = f"{run}O{i:08d}"
        logistics_no = f"{run}L{i:08d}"
        lines = []
        for g in range(1, rng.randint(1, 5) + 1):
            item_no, gcode = ITEMS[rng.randrange(len(ITEMS))]
            qty = rng.randint(1, 3)
            price = rng.randint(5, 200)
            lines.append((g, item_no, gcode, qty, price, qty * price))
        goods_value = sum(line[5] for line in lines)
        common = {"appType": "1", "appTime": "20260105101010", "appStatus": "2"}
        order = common | {
            "guid": str(uuid.uuid4()).upper(), "orderType": "E", "orderNo": order_no,
            "ebpCode": seller.customs_code, "ebpName": seller.name, "ebcCode": seller.customs_code,
            "ebcName": seller.name, "goodsValue": f"{goods_value}", "freight": "10", "currency": "142",
            "lines": [
                {"gnum": g, "itemNo": item, "itemName": "Bench goods", "unit": "007", "currency": "142",
                 "qty": f"{q}", "price": f"{p}", "totalPrice": f"{t}"}
                for g, item, _gcode, q, p, t in lines
            ],
        }  # fmt: skip
        pay = common | {
            "guid": str(uuid.uuid4()).upper(), "ebpCode": seller.customs_code, "ebpName": seller.name,
            "ebcCode": seller.customs_code, "ebcName": seller.name, "orderNo": order_no,
            "payCode": payment.customs_code, "payName": payment.name, "payNo": f"{run}P{i:08d}",
            "charge": f"{goods_value + 10}", "currency": "142", "accountingDate": "20260105101010",
        }  # fmt: skip
        waybill = common | {
            "guid": str(uuid.uuid4()).upper(), "logisticsCode": logistics.customs_code,
            "logisticsName": logistics.name, "logisticsNo": logistics_no, "freight": "10", "insuredFee": "0",
            "currency": "142", "grossWeight": "1.5", "packNo": 1, "goodsInfo": "bench goods",
        }  # fmt: skip
        inventory = common | {
            "guid": str(uuid.uuid4()).upper(), "customsCode": "2244", "ebpCode": seller.customs_code,
            "ebpName": seller.name, "orderNo": order_no, "logisticsCode": logistics.customs_code,
            "logisticsName": logistics.name, "logisticsNo": logistics_no, "copNo": f"{run}C{i:08d}",
            "ieFlag": "E", "portCode": "2244", "ieDate": "20260105", "statisticsFlag": "B",
            "agentCode": seller.customs_code, "agentName": seller.name, "ebcCode": seller.customs_code,
            "ebcName": seller.name, "ownerCode": seller.customs_code, "ownerName": seller.name,
            "tradeMode": "9610", "trafMode": "5", "country": "502", "POD": "USA", "freight": "10",
            "fCurrency": "142", "fFlag": "3", "insuredFee": "0", "iCurrency": "142", "iFlag": "3",
            "wrapType": "2", "packNo": 1, "grossWeight": "1.5", "netWeight": "1.2",
            "lines": [
                {"gnum": g, "itemNo": item, "gcode": gcode, "gname": "Bench goods", "gmodel": "M", "barCode": "",
                 "country": "502", "currency": "142", "qty": f"{q}", "qty1": f"{q}", "unit": "007",
                 "unit1": "007", "price": f"{p}", "totalPrice": f"{t}"}
                for g, item, gcode, q, p, t in lines
            ],
        }  # fmt: skip
        by_kind["order"].setdefault(seller.pk, []).append(order)
        by_kind["payment"].setdefault(payment.pk, []).append(pay)
        by_kind["waybill"].setdefault(logistics.pk, []).append(waybill)
        by_kind["inventory"].setdefault(seller.pk, []).append(inventory)
    return by_kind


ENDPOINTS = {
    "order": "/api/v1/orders/",
    "payment": "/api/v1/payments/",
    "waybill": "/api/v1/waybills/",
    "inventory": "/api/v1/inventories/",
    "departure": "/api/v1/departures/",
}


def post_batches(client, keys, kind, entries_by_sender, batch, statuses: Counter, query_log: list):
    import json

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for sender_pk, entries in entries_by_sender.items():
        for start in range(0, len(entries), batch):
            chunk = entries[start : start + batch]
            body = json.dumps({"entries": chunk})
            measure = not any(k == kind for k, *_ in query_log)
            if measure:
                ctx = CaptureQueriesContext(connection)
                ctx.__enter__()
            response = client.post(
                ENDPOINTS[kind],
                body,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Api-Key {keys[sender_pk]}",
            )
            if measure:
                ctx.__exit__(None, None, None)
                lines = sum(len(e.get("lines", [])) for e in chunk)
                query_log.append((kind, len(chunk), lines, len(ctx.captured_queries)))
            if response.status_code != 200:
                raise SystemExit(f"{kind}: HTTP {response.status_code}: {response.content[:500]!r}")
            for receipt in response.json():
                statuses[(kind, receipt["status"])] += 1
                if receipt["status"] == "rejected" and statuses[(kind, "rejected")] <= 3:
                    print(f"  rejected {kind} {receipt['key']}: {receipt['info'][:200]}")


def departures_for(run, logistics, released_nos, leave_time="20260106080000"):
    entries = []
    for start in range(0, len(released_nos), 200):
        nos = released_nos[start : start + 200]
        entries.append(
            {
                "guid": str(uuid.uuid4()).upper(), "appType": "1", "appTime": "20260106070000", "appStatus": "2",
                "customsCode": "2244", "copNo": f"{run}D{start:08d}", "logisticsCode": logistics.customs_code,
                "logisticsName": logistics.name, "trafMode": "5", "leaveTime": leave_time,
                "msgCount": 1, "msgSeqNo": 1,
                "lines": [{"gnum": g, "logisticsNo": no} for g, no in enumerate(nos, start=1)],
            }
        )  # fmt: skip
    return {logistics.pk: entries}


# --- raw COPY of the same rows -------------------------------------------------------------
COPY_TABLES = {
    "order": ("declarations_order", ["guid", "app_time", "order_type", "order_no", "ebp_code", "ebp_name", "ebc_code",
              "ebc_name", "ebp_enterprise_id", "ebc_enterprise_id", "goods_value", "freight", "currency", "note",
              "sender_id", "received_at"]),
    "orderline": ("declarations_orderline", ["order_id", "gnum", "item_no", "item_name", "item_describe", "bar_code",
                  "unit", "currency", "qty", "price", "total_price", "note"]),
    "payment": ("declarations_payment", ["guid", "app_time", "ebp_code", "ebp_name", "ebc_code", "ebc_name",
                "ebp_enterprise_id", "ebc_enterprise_id", "order_no", "pay_code", "pay_name", "pay_enterprise_id",
                "pay_no", "charge", "currency", "accounting_date", "note", "sender_id", "received_at"]),
    "waybill": ("declarations_waybill", ["guid", "app_time", "logistics_code", "logistics_name",
                "logistics_enterprise_id", "logistics_no", "freight", "insured_fee", "currency", "gross_weight",
                "pack_no", "goods_info", "ebc_code", "ebc_name", "ebc_telephone", "note", "sender_id", "received_at"]),
    "inventory": ("declarations_inventory", None),
    "inventoryline": ("declarations_inventoryline", None),
}  # fmt: skip


def copy_same_rows(parcels, sellers, logistics, payment) -> tuple[float, int]:
    """COPY the rows the intake wrote into scratch tables of the same shape; (seconds, rows)."""
    from django.db import connection

    by_pk = {s.pk: s for s in sellers}
    now = "2026-01-05 10:10:10+08"
    buffers = {
        name: io.StringIO()
        for name in ("order", "orderline", "payment", "waybill", "inventory", "inventoryline")
    }
    writers = {name: csv.writer(buf) for name, buf in buffers.items()}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'declarations_inventory' "
            "AND column_name <> 'id' ORDER BY ordinal_position"
        )
        inventory_columns = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'declarations_inventoryline' "
            "AND column_name <> 'id' ORDER BY ordinal_position"
        )
        line_columns = [row[0] for row in cursor.fetchall()]
    order_id = inventory_id = 0
    for seller_pk, orders in parcels["order"].items():
        seller = by_pk[seller_pk]
        for o in orders:
            order_id += 1
            writers["order"].writerow([o["guid"], o["appTime"], "E", o["orderNo"], o["ebpCode"], o["ebpName"], o["ebcCode"],
                                       o["ebcName"], seller.pk, seller.pk, o["goodsValue"], o["freight"], "142", "",
                                       seller.pk, now])  # fmt: skip
            for line in o["lines"]:
                writers["orderline"].writerow([order_id, line["gnum"], line["itemNo"], line["itemName"], "", "", "007",
                                               "142", line["qty"], line["price"], line["totalPrice"], ""])  # fmt: skip
    for p in parcels["payment"][payment.pk]:
        seller = next(s for s in sellers if s.customs_code == p["ebpCode"])
        writers["payment"].writerow([p["guid"], p["appTime"], p["ebpCode"], p["ebpName"], p["ebcCode"], p["ebcName"],
                                     seller.pk, seller.pk, p["orderNo"], p["payCode"], p["payName"], payment.pk, p["payNo"],
                                     p["charge"], "142", p["accountingDate"], "", payment.pk, now])  # fmt: skip
    for w in parcels["waybill"][logistics.pk]:
        writers["waybill"].writerow([w["guid"], w["appTime"], w["logisticsCode"], w["logisticsName"], logistics.pk,
                                     w["logisticsNo"], "10", "0", "142", "1.5", 1, w["goodsInfo"], "", "", "", "",
                                     logistics.pk, now])  # fmt: skip
    snake = {
        "POD": "pod",
        "fCurrency": "f_currency",
        "fFlag": "f_flag",
        "iCurrency": "i_currency",
        "iFlag": "i_flag",
    }

    def column_value(entry, column, seller):
        enterprise_ids = {
            "ebp_enterprise_id",
            "ebc_enterprise_id",
            "agent_enterprise_id",
            "owner_enterprise_id",
            "sender_id",
        }
        if column in enterprise_ids:
            return seller.pk
        if column == "logistics_enterprise_id":
            return logistics.pk
        if column in ("received_at", "updated_at", "declared_at", "released_at"):
            return now
        if column == "status":
            return "released"
        if column in ("return_reasons",):
            return "[]"
        if column == "total_value":
            return sum(int(line["totalPrice"]) for line in entry["lines"])
        if column == "invt_no":
            return ""  # unique in the real table; the scratch copy keeps it empty
        camel = next((k for k, v in snake.items() if v == column), None) or "".join(
            part if i == 0 else part.capitalize() for i, part in enumerate(column.split("_"))
        )
        value = entry.get(camel, "")
        return "" if value is None else value

    for seller_pk, inventories in parcels["inventory"].items():
        seller = by_pk[seller_pk]
        for inv in inventories:
            inventory_id += 1
            writers["inventory"].writerow([column_value(inv, c, seller) for c in inventory_columns])
            for line in inv["lines"]:
                row = []
                for c in line_columns:
                    if c == "inventory_id":
                        row.append(inventory_id)
                    else:
                        camel = "".join(p if i == 0 else p.capitalize() for i, p in enumerate(c.split("_")))
                        row.append(line.get(camel, ""))
                writers["inventoryline"].writerow(row)

    columns = dict(COPY_TABLES)
    columns["inventory"] = ("declarations_inventory", inventory_columns)
    columns["inventoryline"] = ("declarations_inventoryline", line_columns)
    rows = 0
    with connection.cursor() as cursor:
        for name, (table, cols) in columns.items():
            cursor.execute(f"DROP TABLE IF EXISTS bench_copy_{name}")
            # same columns and types, no constraints: what COPY can do at best
            cursor.execute(
                f"CREATE TABLE bench_copy_{name} AS SELECT {', '.join(cols)} FROM {table} WITH NO DATA"
            )
        started = time.perf_counter()
        raw = cursor.connection.cursor()
        for name, (_table, cols) in columns.items():
            buffers[name].seek(0)
            raw.copy_expert(
                f"COPY bench_copy_{name} ({', '.join(cols)}) FROM STDIN WITH (FORMAT csv, NULL '')",
                buffers[name],
            )
            rows += raw.rowcount
        connection.commit() if not connection.get_autocommit() else None
        elapsed = time.perf_counter() - started
        for name in columns:
            cursor.execute(f"DROP TABLE bench_copy_{name}")
    return elapsed, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--enterprises", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    setup_django()
    from django.test import Client

    from declarations.models import Inventory

    sellers, logistics, payment = ensure_enterprises(args.enterprises)
    ensure_goods(sellers)
    keys = {e.pk: api_key(e) for e in [*sellers, logistics, payment]}
    run = uuid.uuid4().hex[:6].upper()
    rng = random.Random(args.seed)
    parcels = make_parcels(args.parcels, sellers, logistics, payment, run, rng)
    line_count = sum(len(e["lines"]) for entries in parcels["inventory"].values() for e in entries)
    print(
        f"run {run}: {args.parcels} parcels, {line_count} inventory lines, {len(sellers)} sellers, batch {args.batch}"
    )

    client = Client()
    statuses: Counter = Counter()
    query_log: list = []
    timings = {}
    started = time.perf_counter()
    for kind in ("order", "payment", "waybill", "inventory"):
        t0 = time.perf_counter()
        post_batches(client, keys, kind, parcels[kind], args.batch, statuses, query_log)
        timings[kind] = time.perf_counter() - t0
    run_lists = Inventory.objects.filter(cop_no__startswith=f"{run}C")
    released = list(run_lists.filter(status="released").values_list("logistics_no", flat=True))
    t0 = time.perf_counter()
    post_batches(
        client, keys, "departure", departures_for(run, logistics, released), args.batch, statuses, query_log
    )
    timings["departure"] = time.perf_counter() - t0
    total = time.perf_counter() - started

    by_status = Counter(run_lists.values_list("status", flat=True))
    print("receipts:", ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(statuses.items())))
    print("lists by status:", dict(by_status))
    for kind, seconds in timings.items():
        print(f"  {kind:<10} {seconds:8.2f} s")
    print("queries per first batch (kind, entries, lines, queries):")
    for row in query_log:
        print(f"  {row}")
    rate = args.parcels / total
    print(f"intake end to end: {total:.2f} s, {rate:.0f} parcels/s")

    copy_seconds, copy_rows = copy_same_rows(parcels, sellers, logistics, payment)
    copy_rate = args.parcels / copy_seconds
    print(f"raw COPY of the same rows: {copy_rows} rows in {copy_seconds:.2f} s, {copy_rate:.0f} parcels/s")
    print(f"ratio intake/COPY: {rate / copy_rate:.3f} (COPY is {copy_rate / rate:.1f}x faster)")
    print(f"100,000 parcels at this rate: {100_000 / rate / 60:.1f} min (goal: under 5 min)")


if __name__ == "__main__":
    main()
