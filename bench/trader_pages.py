"""Trader page benchmark: the declaration list pages and the summaries overview on a big table.

Not a test. Run on PostgreSQL, in a database of its own (the script migrates it and, unless
``--reuse`` finds its rows, replaces its own bench enterprises' rows):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/p_pages_bench \
        python bench/trader_pages.py [--lists 250000] [--runs 15] [--reuse]

The data: ``--lists`` declaration lists with 1 to 7 goods lines each (4 on average, so 250,000
lists make about 1 M lines). 60% belong to one e-commerce enterprise (the trader measured),
received over the last 80 days, so that about 50,000 of its departed lists were released this
month (the summaries preview); the rest to nine other sellers over a year. 70% of the lists
are declared by one customs broker (the second trader measured), all are on one platform.
1% of the lists are returned and 0.1% rejected; the broker has 20,000 entries refused at intake.

Each page is fetched in-process through Django's test client (the whole stack: middleware,
session, view, template), after two warm-up fetches; the script prints the median and the
90th percentile in ms and the number of SQL queries of one fetch.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings")

CODE_PREFIX = "31990"
SELLERS = 10


def setup_django():
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (the bench writes to it).")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


def enterprise(i: int, **roles):
    from registration.models import Enterprise, EnterpriseStatus

    code = f"{CODE_PREFIX}{i:05d}"
    found = Enterprise.objects.filter(customs_code=code).first()
    if found:
        return found
    made = Enterprise(
        name=f"页面基准企业 {i} 有限公司",
        uscc=f"91310000PAGESB{i:04d}",
        customs_code=code,
        contact_name="Bench",
        contact_phone="13800000000",
        contact_email=f"bench-pages-{i}@example.com",
        address="上海",
        legal_representative="张三",
        **{f"is_{role}": True for role in roles},
    )
    made.__dict__["status"] = EnterpriseStatus.APPROVED
    made.save()
    return made


def user_for(ent):
    from registration.models import User

    user = User.objects.filter(username=f"bench-pages-{ent.pk}").first()
    return user or User.objects.create_user(
        username=f"bench-pages-{ent.pk}", password=None, enterprise=ent, is_enterprise_admin=True
    )


INSERT_INVENTORIES = """
INSERT INTO declarations_inventory (
    guid, app_time, app_status, customs_code, ebp_code, ebp_name, order_no, logistics_code,
    logistics_name, logistics_no, cop_no, pre_no, invt_no, ie_flag, port_code, ie_date,
    statistics_flag, agent_code, agent_name, ebc_code, ebc_name, owner_code, owner_name, iac_code,
    iac_name, ems_no, trade_mode, traf_mode, traf_name, voyage_no, bill_no, total_package_no,
    loct_no, license_no, country, pod, freight, f_currency, f_flag, insured_fee, i_currency,
    i_flag, wrap_type, pack_no, gross_weight, net_weight, note, status, channel, return_reasons,
    total_value, received_at, declared_at, released_at, departed_at, updated_at,
    agent_enterprise_id, ebc_enterprise_id, ebp_enterprise_id, logistics_enterprise_id,
    owner_enterprise_id, sender_id)
SELECT lpad(%(seller)s::text, 6, '0') || lpad(n::text, 30, '0'), '20261010101010', '1', '2244',
    %(ebp_code)s, 'bench', 'PO-' || %(seller)s || '-' || n, %(code)s, 'bench', 'PL-' || %(seller)s || '-' || n,
    'PC-' || %(seller)s || '-' || n, '',
    CASE WHEN s.status = 'stored' THEN NULL ELSE 'P' || lpad(%(seller)s::text, 4, '0') || lpad(n::text, 15, '0') END,
    'E', CASE WHEN n %% 2 = 0 THEN '2244' ELSE '2201' END, '20261010',
    CASE WHEN n %% 10 = 0 THEN 'A' ELSE 'B' END, %(code)s, 'bench', %(code)s, 'bench', %(code)s, 'bench',
    '', '', '', '9610', CASE WHEN (n / 4) %% 2 = 0 THEN '5' ELSE '4' END, '', '', '', '', '', '',
    CASE WHEN (n / 8) %% 2 = 0 THEN '502' ELSE '303' END, 'USA', 10, '142', '3', 0, '142', '3', '2', 1,
    1.5, 1.2, '', s.status, 'green',
    CASE WHEN s.status IN ('returned', 'rejected')
         THEN '[{"field": "goodsValue", "reason": "lines total 200.00 but the order says 150.00"}]'::jsonb
         ELSE '[]'::jsonb END,
    100, t.at, t.at, t.at + interval '1 hour', t.at + interval '5 hours', t.at + interval '5 hours',
    CASE WHEN n %% 10 < 7 THEN %(broker)s ELSE %(seller)s END, %(seller)s, %(ebp)s, %(logistics)s,
    %(seller)s, CASE WHEN n %% 10 < 7 THEN %(broker)s ELSE %(seller)s END
FROM generate_series(1, %(lists)s) AS n
CROSS JOIN LATERAL (SELECT now() - (%(days)s * interval '1 day') * n / %(lists)s AS at) t
CROSS JOIN LATERAL (SELECT CASE WHEN n %% 1000 = 7 THEN 'rejected' WHEN n %% 100 = 3 THEN 'returned'
    WHEN n %% 100 < 2 THEN 'stored' WHEN n %% 100 < 3 THEN 'declared' WHEN n %% 100 < 10 THEN 'released'
    ELSE 'departed' END AS status) s
"""

INSERT_LINES = """
INSERT INTO declarations_inventoryline (inventory_id, gnum, item_no, item_record_no, item_name, gcode,
    gname, gmodel, bar_code, country, currency, qty, qty1, unit, unit1, unit2, price, total_price, note)
SELECT i.id, g, 'SKU', '', '', (8518220000 + ((i.id * 7 + g * 13) %% 25))::text, '蓝牙音箱', 'BT',
    '', CASE WHEN (i.id + g) %% 2 = 0 THEN '502' ELSE '303' END, '142', 2, 1.5, '007', '007', '', 50, 100, ''
FROM declarations_inventory i
CROSS JOIN LATERAL generate_series(1, 1 + ((i.id * 31) %% 7)) AS g
WHERE i.ebc_enterprise_id = ANY(%(sellers)s)
"""

INSERT_REJECTIONS = """
INSERT INTO declarations_intakerejection (sender_id, kind, key, guid, reason, payload, created_at)
SELECT %(sender)s, 'inventory', 'PC-R-' || n, '', to_jsonb('2001: ebcCode 9999999999 is not registered'::text), '{}'::jsonb,
    now() - interval '1 minute' * n
FROM generate_series(1, %(count)s) AS n
"""


def generate(sellers, broker, platform, logistics, lists: int):
    from django.db import connection, transaction

    ids = [s.pk for s in sellers]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # bench rows only: no freeze trigger
        cursor.execute(
            "DELETE FROM declarations_inventoryline WHERE inventory_id IN "
            "(SELECT id FROM declarations_inventory WHERE ebc_enterprise_id = ANY(%s))",
            [ids],
        )
        cursor.execute("DELETE FROM declarations_inventory WHERE ebc_enterprise_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM declarations_intakerejection WHERE sender_id = %s", [broker.pk])
        forms = "SELECT id FROM summaries_summaryform WHERE enterprise_id = ANY(%s)"
        for table in ("summaryinventory", "summaryline", "summaryformhistory"):
            cursor.execute(f"DELETE FROM summaries_{table} WHERE form_id IN ({forms})", [ids])
        cursor.execute("DELETE FROM summaries_summaryform WHERE enterprise_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM summaries_summarystatistic WHERE enterprise_id = ANY(%s)", [ids])
        main = int(lists * 0.6)
        rest = (lists - main) // (len(sellers) - 1)
        for seller in sellers:
            count, days = (main, 80) if seller is sellers[0] else (rest, 365)
            cursor.execute(
                INSERT_INVENTORIES,
                {
                    "seller": seller.pk,
                    "code": seller.customs_code,
                    "ebp": platform.pk,
                    "ebp_code": platform.customs_code,
                    "broker": broker.pk,
                    "logistics": logistics.pk,
                    "lists": count,
                    "days": days,
                },
            )
        cursor.execute(INSERT_LINES, {"sellers": ids})
        cursor.execute(INSERT_REJECTIONS, {"sender": broker.pk, "count": 20000})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE declarations_inventory")
        cursor.execute("VACUUM ANALYZE declarations_inventoryline")
        cursor.execute("VACUUM ANALYZE declarations_intakerejection")


def measure(client, url: str, runs: int) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1], len(queries), len(response.content)


def next_link(client, url: str) -> str:
    """The URL of the page after the first one, as the page's own link gives it."""
    import html
    import re

    body = client.get(url).content.decode()
    found = re.search(r'<a [^>]*href="([^"]+)"[^>]*>(?:Next|Older|下一页|更早)', body)
    assert found, "no link to the next page"
    target = html.unescape(found.group(1))
    return url + target if target.startswith("?") else target


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lists", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--reuse", action="store_true", help="keep the last run's rows if there are any")
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this")
    args = parser.parse_args()
    setup_django()

    from django.test import Client
    from django.utils import timezone

    from declarations.models import Inventory
    from declarations.summaries.models import SummaryForm
    from declarations.summaries.services import summaries_build_month

    sellers = [enterprise(i, ecommerce=True, owner=True) for i in range(1, SELLERS + 1)]
    broker = enterprise(SELLERS + 1, broker=True)
    platform = enterprise(SELLERS + 2, platform=True)
    logistics = enterprise(SELLERS + 3, logistics=True)
    existing = Inventory.objects.filter(ebc_enterprise=sellers[0]).exists()
    if not (args.reuse and existing):
        start = time.perf_counter()
        generate(sellers, broker, platform, logistics, args.lists)
        print(f"generated {args.lists} lists in {time.perf_counter() - start:.0f} s")
    total = Inventory.objects.count()
    print(f"declaration lists in the database: {total}")

    today = timezone.localdate()
    last_month = (today.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    if not SummaryForm.objects.filter(enterprise=sellers[0], month=last_month).exists():
        summaries_build_month(month=last_month, enterprise=sellers[0])  # the forms of the month before
    biggest_form = (
        SummaryForm.objects.filter(enterprise=sellers[0])
        .order_by("-inventory_count")
        .values_list("pk", flat=True)
        .first()
    )
    week_ago = today - timezone.timedelta(days=7)
    pages = [
        ("seller: lists", sellers[0], "/declarations/lists/"),
        ("seller: lists, second page", sellers[0], "NEXT:/declarations/lists/"),
        (
            "seller: lists, last 7 days",
            sellers[0],
            f"/declarations/lists/?date_from={week_ago}&date_to={today}",
        ),
        ("seller: lists, status returned", sellers[0], "/declarations/lists/?status=returned"),
        ("seller: lists, order number", sellers[0], f"/declarations/lists/?order_no=PO-{sellers[0].pk}-777"),
        ("seller: clearance errors", sellers[0], "/declarations/clearance-errors/"),
        ("seller: summaries overview", sellers[0], "/summaries/overview/"),
        (
            "seller: summaries overview, last month",
            sellers[0],
            f"/summaries/overview/?month={last_month:%Y-%m}",
        ),
        ("seller: summary form", sellers[0], f"/summaries/forms/{biggest_form}/" if biggest_form else ""),
        (
            "seller: summary form, second page",
            sellers[0],
            f"NEXT:/summaries/forms/{biggest_form}/" if biggest_form else "",
        ),
        ("seller: dashboard", sellers[0], "/"),
        ("seller: enterprise info", sellers[0], "/cooperation/enterprise-info/"),
        ("seller: cooperation clearance log", sellers[0], "/cooperation/clearance-errors/"),
        ("broker: lists", broker, "/declarations/lists/"),
        ("broker: lists, last 7 days", broker, f"/declarations/lists/?date_from={week_ago}&date_to={today}"),
        ("broker: clearance errors", broker, "/declarations/clearance-errors/"),
        ("platform: lists", platform, "/declarations/lists/"),
    ]
    clients = {}
    print(f"{'page':40} {'median ms':>10} {'p90 ms':>8} {'queries':>8} {'bytes':>8}")
    for name, ent, url in pages:
        if not url or (args.only and args.only not in name):
            continue
        if ent.pk not in clients:
            clients[ent.pk] = Client()
            clients[ent.pk].force_login(user_for(ent))
        if url.startswith("NEXT:"):
            url = next_link(clients[ent.pk], url[5:])
        median, p90, queries, size = measure(clients[ent.pk], url, args.runs)
        print(f"{name:40} {median:10.1f} {p90:8.1f} {queries:8d} {size:8d}")


if __name__ == "__main__":
    main()
