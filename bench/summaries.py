"""Monthly summary benchmark: the portal's build of a month next to a hand-written GROUP BY.

Not a test. Run on PostgreSQL, in a database of its own (the script migrates it, replaces
its own bench rows at the start of each run and leaves them there afterwards):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/p_summaries_bench \
        python bench/summaries.py [--lines 1000000] [--enterprises 4] [--codes 25]

The data: ``--lines`` goods lines on departed lists released in October 2026, spread over
``--enterprises`` e-commerce enterprises (1 to 7 lines a list, 10% of the lists flagged A),
each enterprise with 8 form keys (2 transport modes x 2 countries of arrival x 2 exit
customs) and ``--codes`` commodity codes x 2 destination countries per form key (keep that
at most 50 so no form needs splitting, or raise it to bench the split).

Measured in the same run, on the same rows:
- raw: one hand-written SQL ``GROUP BY`` per enterprise for the eight-same lines and one for
  the statistics (reads only: what the database must do at the least);
- portal: ``summaries_build_month`` for the month (the same grouping, plus writing the forms,
  their lines, the link of every list to its form and the statistics, in one transaction
  per enterprise);
- rebuild: the same build again (nothing changed: the drafts are kept);
- PDF: a 50-line form rendered by WeasyPrint.
It prints each time and the ratio portal / raw.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings")

MONTH = dt.date(2026, 10, 1)
CODE_PREFIX = "31980"


def setup_django():
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (the bench writes to it).")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


def enterprises(count: int):
    from registration.models import Enterprise, EnterpriseStatus

    made = []
    for i in range(1, count + 2):
        code = f"{CODE_PREFIX}{i:05d}"
        enterprise = Enterprise.objects.filter(customs_code=code).first()
        if enterprise is None:
            enterprise = Enterprise(
                name=f"基准电商 {i} 有限公司",
                uscc=f"91310000BENCHS{i:04d}",
                customs_code=code,
                contact_name="Bench",
                contact_phone="13800000000",
                contact_email=f"bench-summaries-{i}@example.com",
                address="上海",
                legal_representative="张三",
                is_ecommerce=True,
                is_owner=True,
            )
            enterprise.__dict__["status"] = EnterpriseStatus.APPROVED
            enterprise.save()
        made.append(enterprise)
    return made[:-1], made[-1]  # sellers, and one more as the second production and sales unit


def clean_all(ids: list[int]):
    """Remove the previous run's bench rows (bench enterprises only, in the bench's database).

    Declared lists are frozen by a trigger (law-enforcement data); the bench's own synthetic
    lists are removed with the session's triggers off, the one place that is done.
    """
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        forms = "SELECT id FROM summaries_summaryform WHERE enterprise_id = ANY(%s)"
        cursor.execute(f"DELETE FROM summaries_summaryinventory WHERE form_id IN ({forms})", [ids])
        cursor.execute(f"DELETE FROM summaries_summaryline WHERE form_id IN ({forms})", [ids])
        cursor.execute(f"DELETE FROM summaries_summaryformhistory WHERE form_id IN ({forms})", [ids])
        cursor.execute("DELETE FROM summaries_summaryform WHERE enterprise_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM summaries_summarystatistic WHERE enterprise_id = ANY(%s)", [ids])
        inventories = "SELECT id FROM declarations_inventory WHERE ebc_enterprise_id = ANY(%s)"
        cursor.execute(f"DELETE FROM declarations_inventoryline WHERE inventory_id IN ({inventories})", [ids])
        cursor.execute("DELETE FROM declarations_inventory WHERE ebc_enterprise_id = ANY(%s)", [ids])


def bench_lines(ids: list[int]) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM declarations_inventoryline l JOIN declarations_inventory i "
            "ON i.id = l.inventory_id WHERE i.ebc_enterprise_id = ANY(%s)",
            [ids],
        )
        return cursor.fetchone()[0]


def clean_summaries(ids: list[int]):
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        forms = "SELECT id FROM summaries_summaryform WHERE enterprise_id = ANY(%s)"
        for table in ("summaryinventory", "summaryline", "summaryformhistory"):
            cursor.execute(f"DELETE FROM summaries_{table} WHERE form_id IN ({forms})", [ids])
        cursor.execute("DELETE FROM summaries_summaryform WHERE enterprise_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM summaries_summarystatistic WHERE enterprise_id = ANY(%s)", [ids])


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
    %(code)s, 'bench', 'BO-' || %(seller)s || '-' || n, %(code)s, 'bench', 'BL-' || %(seller)s || '-' || n,
    'BC-' || %(seller)s || '-' || n, '', 'B' || lpad(%(seller)s::text, 4, '0') || lpad(n::text, 15, '0'),
    'E', CASE WHEN n %% 2 = 0 THEN '2244' ELSE '2201' END, '20261010',
    CASE WHEN n %% 10 = 0 THEN 'A' ELSE 'B' END, %(code)s, 'bench', %(code)s, 'bench',
    CASE WHEN (n / 2) %% 2 = 0 THEN %(code)s ELSE %(owner_code)s END, 'bench', '', '', '', '9610',
    CASE WHEN (n / 4) %% 2 = 0 THEN '5' ELSE '4' END, '', '', '', '', '', '',
    CASE WHEN (n / 8) %% 2 = 0 THEN '502' ELSE '303' END, 'USA', 10, '142', '3', 0, '142', '3', '2', 1,
    1.5, 1.2, '', 'departed', 'green', '[]'::jsonb, 0, now(), now(),
    %(month)s::timestamptz + (n %% 28) * interval '1 day' + interval '3 hours',
    %(month)s::timestamptz + (n %% 28) * interval '1 day' + interval '20 hours', now(),
    %(seller)s, %(seller)s, %(seller)s, %(seller)s,
    CASE WHEN (n / 2) %% 2 = 0 THEN %(seller)s ELSE %(owner)s END, %(seller)s
FROM generate_series(1, %(lists)s) AS n
"""

INSERT_LINES = """
INSERT INTO declarations_inventoryline (inventory_id, gnum, item_no, item_record_no, item_name, gcode,
    gname, gmodel, bar_code, country, currency, qty, qty1, unit, unit1, unit2, price, total_price, note)
SELECT i.id, g, 'SKU', '', '', (8518220000 + ((i.id * 7 + g * 13) %% %(codes)s))::text, '蓝牙音箱', 'BT',
    '', CASE WHEN (i.id + g) %% 2 = 0 THEN '502' ELSE '303' END, '142', 2, 1.5, '007', '007', '', 50, 100, ''
FROM declarations_inventory i
CROSS JOIN LATERAL generate_series(1, 1 + ((i.id * 31) %% 7)) AS g
WHERE i.ebc_enterprise_id = %(seller)s
"""

RAW_LINES = """
SELECT i.traf_mode, i.owner_enterprise_id, i.country, i.port_code, l.gcode, l.country, l.currency,
       sum(l.qty), sum(l.qty1), sum(l.total_price), max(l.unit1), count(DISTINCT l.inventory_id)
FROM declarations_inventoryline l JOIN declarations_inventory i ON i.id = l.inventory_id
WHERE i.ebc_enterprise_id = %s AND i.status = 'departed' AND i.statistics_flag = 'B'
  AND i.released_at >= %s AND i.released_at < %s
GROUP BY 1, 2, 3, 4, 5, 6, 7
"""
RAW_STATISTICS = """
SELECT substr(l.gcode, 1, 4), l.country, l.currency, count(DISTINCT l.inventory_id), sum(l.total_price)
FROM declarations_inventoryline l JOIN declarations_inventory i ON i.id = l.inventory_id
WHERE i.ebc_enterprise_id = %s AND i.status = 'departed' AND i.statistics_flag = 'A'
  AND i.released_at >= %s AND i.released_at < %s
GROUP BY 1, 2, 3
"""


RAW_FORMS = """
INSERT INTO summaries_summaryform (enterprise_id, month, number, ebc_code, traf_mode, owner_enterprise_id,
    owner_code, country, port_code, part, parts, additional, inventory_count, line_count, total_price,
    status, declaration_no, return_reason, created_at)
SELECT %(seller)s, %(month)s, row_number() OVER (), %(code)s, k.traf_mode, k.owner_enterprise_id, '',
    k.country, k.port_code, 1, 1, false, 0, 0, 0, 'draft', '', '', now()
FROM (SELECT DISTINCT traf_mode, owner_enterprise_id, country, port_code FROM declarations_inventory
      WHERE ebc_enterprise_id = %(seller)s AND status = 'departed' AND statistics_flag = 'B'
        AND released_at >= %(start)s AND released_at < %(end)s) k
"""
RAW_LINKS = """
INSERT INTO summaries_summaryinventory (form_id, inventory_id)
SELECT f.id, i.id FROM declarations_inventory i
JOIN summaries_summaryform f ON f.enterprise_id = i.ebc_enterprise_id AND f.month = %(month)s
 AND f.traf_mode = i.traf_mode AND f.owner_enterprise_id = i.owner_enterprise_id
 AND f.country = i.country AND f.port_code = i.port_code
WHERE i.ebc_enterprise_id = %(seller)s AND i.status = 'departed' AND i.statistics_flag = 'B'
  AND i.released_at >= %(start)s AND i.released_at < %(end)s
"""


def raw_with_writes(sellers) -> float:
    """The raw GROUP BY plus hand-written writes of the forms and of every list's link, committed."""
    from django.db import connection, transaction

    from declarations.summaries.services import month_bounds

    start, end = month_bounds(MONTH)
    began = time.perf_counter()
    for seller in sellers:
        params = {
            "seller": seller.pk,
            "code": seller.customs_code,
            "month": MONTH,
            "start": start,
            "end": end,
        }
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(RAW_LINES, [seller.pk, start, end])
            cursor.fetchall()
            cursor.execute(RAW_STATISTICS, [seller.pk, start, end])
            cursor.fetchall()
            cursor.execute(RAW_FORMS, params)
            cursor.execute(RAW_LINKS, params)
    return time.perf_counter() - began


def make_data(sellers, owner, total_lines: int, codes: int) -> int:
    from django.db import connection, transaction

    from declarations.summaries.services import month_bounds

    start, _end = month_bounds(MONTH)
    per_seller_lists = total_lines // len(sellers) // 4  # 4 lines a list on average
    with transaction.atomic(), connection.cursor() as cursor:
        for seller in sellers:
            params = {
                "seller": seller.pk,
                "code": seller.customs_code,
                "owner": owner.pk,
                "owner_code": owner.customs_code,
                "month": start,
                "lists": per_seller_lists,
                "codes": codes,
            }
            cursor.execute(INSERT_INVENTORIES, params)
            cursor.execute(INSERT_LINES, params)
        # declared once the lines are in (PostgreSQL then freezes the declared columns)
        cursor.execute(
            "UPDATE declarations_inventory SET app_status = '2' WHERE ebc_enterprise_id = ANY(%s)",
            [[s.pk for s in sellers]],
        )
        cursor.execute(
            "SELECT count(*) FROM declarations_inventoryline l JOIN declarations_inventory i "
            "ON i.id = l.inventory_id WHERE i.ebc_enterprise_id = ANY(%s)",
            [[s.pk for s in sellers]],
        )
        count = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE declarations_inventory")
        cursor.execute("ANALYZE declarations_inventoryline")
    return count


def raw(sellers, *, build_settings: bool = False) -> tuple[float, int]:
    """The hand-written GROUP BYs; ``build_settings``: with the planner settings the build's
    transaction uses (work_mem, cheap parallel workers), to show what they give the raw query."""
    from django.db import connection, transaction

    from declarations.summaries.services import build_settings_apply, month_bounds

    start, end = month_bounds(MONTH)
    rows = 0
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if build_settings:
            build_settings_apply(cursor)
        for seller in sellers:
            cursor.execute(RAW_LINES, [seller.pk, start, end])
            rows += len(cursor.fetchall())
            cursor.execute(RAW_STATISTICS, [seller.pk, start, end])
            rows += len(cursor.fetchall())
    return time.perf_counter() - began, rows


def vacuum():
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("summaryinventory", "summaryline", "summaryform", "summarystatistic"):
            cursor.execute(f"VACUUM ANALYZE summaries_{table}")


def portal(sellers):
    from declarations.summaries.services import summaries_build_month

    began = time.perf_counter()
    result = None
    for seller in sellers:
        one = summaries_build_month(month=MONTH, enterprise=seller)
        result = one if result is None else result + one
    return time.perf_counter() - began, result


def pdf_seconds(seller) -> float:
    from declarations.summaries.models import SummaryForm
    from declarations.summaries.pdf import render_summary_pdf

    form = SummaryForm.objects.filter(enterprise=seller).order_by("-line_count").first()
    render_summary_pdf(form=form)  # warm: fonts, templates
    began = time.perf_counter()
    render_summary_pdf(form=form)
    return time.perf_counter() - began, form.line_count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--enterprises", type=int, default=4)
    parser.add_argument(
        "--codes", type=int, default=25, help="commodity codes per enterprise (x2 destinations)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the last run's lists (only rebuild the month)"
    )
    args = parser.parse_args()
    setup_django()
    sellers, owner = enterprises(args.enterprises)
    ids = [s.pk for s in sellers]
    existing = bench_lines(ids)
    if args.reuse and existing:
        clean_summaries(ids)
        print(f"data: {existing} inventory lines, {len(sellers)} enterprises (kept from the last run)")
    else:
        clean_all(ids)
        began = time.perf_counter()
        lines = make_data(sellers, owner, args.lines, args.codes)
        made_in = time.perf_counter() - began
        print(f"data: {lines} inventory lines, {len(sellers)} enterprises, made in {made_in:.1f} s")

    raw(sellers)  # warm the cache for both
    raw_s, raw_rows = raw(sellers)
    writes_s = raw_with_writes(sellers)
    clean_summaries(ids)
    vacuum()
    build_s, result = portal(sellers)
    rebuild_s, again = portal(sellers)
    clean_summaries(ids)
    vacuum()
    build2_s, _result = portal(sellers)
    raw2_s, _rows = raw(sellers)
    tuned_s, _rows = raw(sellers, build_settings=True)
    raw_best, build_best = min(raw_s, raw2_s), min(build_s, build2_s)
    print(f"raw GROUP BY (reads only):          {raw_best:7.2f} s ({raw_rows} grouped rows)")
    print(f"raw GROUP BY, the build's settings: {tuned_s:7.2f} s (work_mem, parallel workers)")
    print(f"raw GROUP BY + form and link writes: {writes_s:7.2f} s")
    print(
        f"portal build:                        {build_best:7.2f} s ({result}; runs {build_s:.2f}, {build2_s:.2f})"
    )
    print(f"portal rebuild, nothing changed:     {rebuild_s:7.2f} s (drafts kept: {again.unchanged})")
    print(
        f"ratio build / raw GROUP BY:          {build_best / raw_best:.2f}x (goal: within 1.5x, under 60 s)"
    )
    print(f"ratio build / raw with the writes:   {build_best / writes_s:.2f}x")
    print(f"ratio build / raw, the build's settings: {build_best / tuned_s:.2f}x")
    seconds, line_count = pdf_seconds(sellers[0])
    print(f"PDF of a {line_count}-line form: {seconds:.2f} s (goal: under 1 s)")


if __name__ == "__main__":
    main()
