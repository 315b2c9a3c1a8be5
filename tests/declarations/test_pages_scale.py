"""The trader's list pages stay the same work whatever the table holds (issue 11).

A page never counts the lists and never sorts them all: its queries are the same for 3 lists
as for 60 (walked page by page through the page's own links), and on PostgreSQL every query
the pages run reads indexes in order (no sequential scan of the lists, no sort of more rows
than a page shows), checked with EXPLAIN ANALYZE on 20,000 generated lists.
"""

import datetime as dt
import json
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from declarations.models import IntakeRejection, Inventory

from . import in_english
from .bulk_lists import bulk_lists
from .inventory_rows import make_inventory

_english = in_english._english
PAGE = 25
BIG_TABLES = ("declarations_inventory", "declarations_intakerejection")


def _next_link(html):
    """The first list's Next link (the refused entries' own links carry ``rafter``)."""
    found = re.search(r'<a href="\?((?:(?!rafter=)[^"])*)" rel="next">', html)
    return unescape(found.group(1)) if found else None


def walk(client, url, *, rows_testid, params=""):
    """Every page of a list through its Next links: the rows' ids and each page's query count."""
    seen, counts = [], []
    query = params
    while True:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        html = response.content.decode()
        seen += re.findall(rf'data-testid="{rows_testid}">\s*<td><a href="[^"]*/(\d+)/">', html)
        counts.append([q["sql"] for q in queries.captured_queries])
        query = _next_link(html)
        if query is None or len(counts) > 10:
            return seen, counts


def _no_count(queries):
    for sql in queries:
        assert not (re.search(r"COUNT\(\*\)", sql, re.I) and any(t in sql for t in BIG_TABLES)), sql


def test_the_list_page_runs_the_same_queries_for_3_lists_and_for_60(trader_client, enterprise):
    url = reverse("declarations:inventory_list")
    for _ in range(3):
        make_inventory(ebc=enterprise)
    few, few_counts = walk(trader_client, url, rows_testid="inventory-row")
    assert len(few) == 3 and len(few_counts) == 1
    bulk_lists(ebc=enterprise, count=57, tag="Q60", days=3)
    many, many_counts = walk(trader_client, url, rows_testid="inventory-row")
    # 60 lists over 3 pages, newest first, each exactly once
    assert len(many) == 60 and len(set(many)) == 60 and len(many_counts) == 3
    ids = [int(pk) for pk in many]
    expected = list(
        Inventory.objects.filter(ebc_enterprise=enterprise)
        .order_by("-received_at", "-pk")
        .values_list("pk", flat=True)
    )
    assert ids == expected
    for page in many_counts:
        assert len(page) == len(few_counts[0]), "the page's queries grew with the rows"
        _no_count(page)
    # with every filter, forward and back: still the same number of queries
    since = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    filtered, filtered_counts = walk(
        trader_client, url, rows_testid="inventory-row", params=f"status=released&date_from={since}"
    )
    assert len(filtered) == Inventory.objects.filter(ebc_enterprise=enterprise, status="released").count()
    assert all(len(page) <= len(few_counts[0]) for page in filtered_counts)


def test_newer_and_older_links_keep_the_filters(trader_client, enterprise):
    bulk_lists(ebc=enterprise, count=60, tag="NAV", days=3)
    url = reverse("declarations:inventory_list")
    first = trader_client.get(url, {"status": "released"}).content.decode()
    older = _next_link(first)
    assert "status=released" in older and "after=" in older
    second = trader_client.get(f"{url}?{older}").content.decode()
    newer = unescape(re.search(r'<a href="\?([^"]*)" rel="prev">', second).group(1))
    assert "status=released" in newer and "before=" in newer
    again = trader_client.get(f"{url}?{newer}").content.decode()
    rows = re.compile(r'data-testid="inventory-row">\s*<td><a href="[^"]*/(\d+)/">')
    assert rows.findall(again) == rows.findall(first) and 'rel="prev"' not in again
    assert not set(rows.findall(second)) & set(rows.findall(first))
    # a cursor that is not one of ours shows the first page, not an error
    assert rows.findall(trader_client.get(url, {"status": "released", "after": "x.y"}).content.decode()) == (
        rows.findall(first)
    )


def test_the_date_filter_takes_whole_beijing_days(trader_client, enterprise):
    zone = timezone.get_current_timezone()
    late = make_inventory(ebc=enterprise)
    early = make_inventory(ebc=enterprise)
    Inventory.objects.filter(pk=late.pk).update(received_at=dt.datetime(2026, 3, 9, 23, 59, 30, tzinfo=zone))
    Inventory.objects.filter(pk=early.pk).update(received_at=dt.datetime(2026, 3, 10, 0, 0, 0, tzinfo=zone))
    url = reverse("declarations:inventory_list")
    page = trader_client.get(url, {"date_from": "2026-03-09", "date_to": "2026-03-09"}).content.decode()
    assert str(late) in page and str(early) not in page
    page = trader_client.get(url, {"date_from": "2026-03-10", "date_to": "2026-03-10"}).content.decode()
    assert str(early) in page and str(late) not in page


def test_the_clearance_error_log_runs_the_same_queries_for_3_errors_and_for_60(
    trader_client, enterprise, other_enterprise
):
    url = reverse("declarations:clearance_errors")
    bulk_lists(ebc=enterprise, count=3, tag="E3", error_every=1, rejections=3)
    bulk_lists(ebc=other_enterprise, count=30, tag="EO", error_every=1, rejections=30)
    few, few_counts = walk(trader_client, url, rows_testid="returned-list")
    assert len(few) == 3 and len(few_counts) == 1
    page = trader_client.get(url).content.decode()
    assert page.count('data-testid="intake-rejection"') == 3 and "EO-" not in page
    bulk_lists(ebc=enterprise, count=57, tag="E60", error_every=1, rejections=57)
    many, many_counts = walk(trader_client, url, rows_testid="returned-list")
    assert len(many) == 60 and len(set(many)) == 60 and len(many_counts) == 3
    for queries in many_counts:
        assert len(queries) == len(few_counts[0]), "the page's queries grew with the rows"
        _no_count(queries)
    # the refused entries page on their own (rafter), newest first, all 60 of them
    keys, query = [], ""
    for _ in range(4):
        html = trader_client.get(f"{url}?{query}").content.decode()
        keys += re.findall(r'data-testid="intake-rejection"><td>order</td><td>([^<]+)</td>', html)
        refused = html[html.index('data-testid="intake-rejection"') :]  # their own links come after them
        links = re.findall(r'<a href="\?([^"]*)" rel="next">', refused)
        if not links:
            break
        query = unescape(links[-1])
    expected = IntakeRejection.objects.filter(sender=enterprise).order_by("-created_at", "-pk")
    assert keys == [r.key for r in expected] and len(keys) == 60


# --- PostgreSQL plans on generated data ---------------------------------------------------
def _plan_problems(sql, limit):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    [root] = json.loads(plan) if isinstance(plan, str) else plan
    problems = []

    def visit(node):
        kind, relation = node["Node Type"], node.get("Relation Name", "")
        if kind == "Seq Scan" and relation in BIG_TABLES:
            problems.append(f"Seq Scan on {relation}")
        if kind in ("Sort", "Incremental Sort"):
            fed = sum(child["Actual Rows"] * child["Actual Loops"] for child in node.get("Plans", []))
            if fed > limit:
                problems.append(f"{kind} of {fed} rows")
        for child in node.get("Plans", []):
            visit(child)

    visit(root["Plan"])
    return problems


@pytest.mark.postgres
def test_every_list_page_query_reads_indexes_in_order_on_20000_lists(
    client, trader_factory, enterprise, other_enterprise, enterprise_factory
):
    broker = enterprise_factory(roles=("broker",))
    platform = enterprise_factory(roles=("platform",))
    bulk_lists(ebc=enterprise, agent=broker, ebp=platform, count=12000, tag="BIG", days=200, error_every=97,
               rejections=3000)  # fmt: skip
    bulk_lists(
        ebc=other_enterprise, agent=broker, ebp=platform, count=8000, tag="OTH", days=200, error_every=50
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE declarations_inventory")
        cursor.execute("ANALYZE declarations_intakerejection")
    today = timezone.localdate()
    lists = reverse("declarations:inventory_list")
    errors = reverse("declarations:clearance_errors")
    pages = [
        lists,
        lists + "?status=returned",
        lists + "?status=released&date_from=" + (today - dt.timedelta(days=30)).isoformat(),
        lists + f"?date_from={today - dt.timedelta(days=9)}&date_to={today - dt.timedelta(days=2)}",
        lists + "?order_no=BIG-ORD-777",
        errors,
        reverse("cooperation:clearance_errors"),
    ]
    problems, checked = {}, 0
    for who in (enterprise, broker, platform):
        client.force_login(trader_factory(who))
        for url in pages:
            html = client.get(url).content.decode()
            older = _next_link(html)
            for target in [url] + ([f"{url.split('?')[0]}?{older}"] if older else []):
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(target).status_code == 200
                for query in queries.captured_queries:
                    if any(table in query["sql"] for table in BIG_TABLES):
                        checked += 1
                        found = _plan_problems(query["sql"], limit=PAGE + 1)
                        if found:
                            problems[f"{who} {target}: {query['sql'][:200]}"] = found
    assert checked >= 3 * len(pages) * 2 and not problems
