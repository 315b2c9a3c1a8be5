"""The summaries overview does not regroup the month's goods lines on every view (issue 11).

The current month's eight-same preview is the one slow query of the page (seconds once the
month holds tens of thousands of lists): it runs again only when the month's departed lists
or forms changed, and the page's queries do not grow with the lists.
"""

import datetime as dt
import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from declarations.models import Inventory
from declarations.summaries.models import SummaryForm
from declarations.summaries.services import summary_month_build
from tests.declarations.bulk_lists import bulk_lists

from .factories import line, listed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def exporter_client(client, exporter_user):
    client.force_login(exporter_user)
    return client


def overview(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("summaries:overview"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def grouped_lines(queries):
    return [sql for sql in queries if "declarations_inventoryline" in sql]


def preview_counts(html):
    """The 'Declaration lists' column of each preview row."""
    table = html[
        html.index('data-testid="preview"') : html.index("</table>", html.index('data-testid="preview"'))
    ]
    return [int(n) for n in re.findall(r"<td>(\d+)</td>\s*</tr>", table)]


def test_a_second_view_does_not_regroup_the_months_lines(exporter_client, exporter):
    this_month = timezone.localdate().replace(day=1).isoformat()
    for _ in range(3):
        listed(exporter, released=this_month)
    first, first_queries = overview(exporter_client)
    assert preview_counts(first) == [3] and grouped_lines(first_queries)
    again, again_queries = overview(exporter_client)
    assert preview_counts(again) == [3]
    assert not grouped_lines(again_queries), "the preview was recomputed though nothing changed"
    assert len(again_queries) <= len(first_queries)


def test_the_overview_runs_the_same_queries_for_3_departed_lists_and_for_60(exporter_client, exporter):
    this_month = timezone.localdate().replace(day=1).isoformat()
    for _ in range(3):
        listed(exporter, released=this_month)
    overview(exporter_client)
    _html, few = overview(exporter_client)
    for n in range(57):
        listed(exporter, released=this_month, goods=[line(gcode=f"85182200{n % 10:02d}")])
    overview(exporter_client)
    html, many = overview(exporter_client)
    assert sum(preview_counts(html)) == 60
    assert len(many) == len(few) and not grouped_lines(many)


def test_the_preview_counts_a_list_that_departed_after_the_last_view(exporter_client, exporter):
    this_month = timezone.localdate().replace(day=1).isoformat()
    listed(exporter, released=this_month)
    assert preview_counts(overview(exporter_client)[0]) == [1]
    listed(exporter, released=this_month)  # departed since: the kept preview is out of date
    html, queries = overview(exporter_client)
    # tasks run at once in tests: the refresh answered before the page was drawn
    assert preview_counts(html) == [2] and grouped_lines(queries)
    assert 'data-testid="preview-stale"' not in html


def test_an_out_of_date_preview_is_shown_as_such_while_it_is_refreshed(
    exporter_client, exporter, monkeypatch
):
    from declarations.summaries import tasks

    this_month = timezone.localdate().replace(day=1).isoformat()
    listed(exporter, released=this_month)
    overview(exporter_client)
    monkeypatch.setattr(tasks.refresh_preview_task, "delay", lambda *args: None)  # a worker not done yet
    listed(exporter, released=this_month)
    html, queries = overview(exporter_client)
    assert preview_counts(html) == [1] and 'data-testid="preview-stale"' in html
    assert not grouped_lines(queries)


# --- a form's declaration lists -------------------------------------------------------------
def _link_bulk_lists(form, tag):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO summaries_summaryinventory (form_id, inventory_id) SELECT %s, id FROM"
            " declarations_inventory WHERE cop_no LIKE %s",
            [form.pk, f"{tag}-COP-%"],
        )


def walk_form(client, form):
    url = reverse("summaries:form_detail", args=[form.pk])
    rows, pages, query = [], [], ""
    for _ in range(500):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(f"{url}?{query}").content.decode()
        rows += re.findall(r'<li data-testid="inventory">[^<]*? — ([^<]+)</li>', html)
        pages.append([q["sql"] for q in queries.captured_queries])
        found = re.search(r'<a href="\?([^"]*)" rel="next">', html)
        if not found:
            return rows, pages
        query = found.group(1).replace("&amp;", "&")
    raise AssertionError("the pages never end")


@pytest.fixture
def october_form(exporter):
    for _ in range(3):
        listed(exporter, released="2026-10-20")
    summary_month_build(enterprise=exporter, month=dt.date(2026, 10, 1))
    return SummaryForm.objects.get(enterprise=exporter)


def test_the_form_page_runs_the_same_queries_for_3_lists_and_for_120(exporter_client, exporter, october_form):
    few, few_pages = walk_form(exporter_client, october_form)
    assert len(few) == 3 and len(few_pages) == 1
    bulk_lists(ebc=exporter, count=117, tag="F120")
    _link_bulk_lists(october_form, "F120")
    many, many_pages = walk_form(exporter_client, october_form)
    linked = Inventory.objects.filter(summary_link__form=october_form).order_by("pk")
    assert many == [inv.order_no for inv in linked] and len(many) == 120 and len(many_pages) == 3
    for queries in many_pages:
        assert len(queries) == len(few_pages[0])
        assert not [sql for sql in queries if "COUNT(" in sql.upper() and "summaries_summaryinventory" in sql]


@pytest.mark.postgres
def test_the_form_page_reads_its_links_in_order_on_20000_lists(exporter_client, exporter, october_form):
    bulk_lists(ebc=exporter, count=20000, tag="F20K")
    _link_bulk_lists(october_form, "F20K")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE declarations_inventory")
        cursor.execute("ANALYZE summaries_summaryinventory")
    url = reverse("summaries:form_detail", args=[october_form.pk])
    html = exporter_client.get(url).content.decode()
    second = url + "?" + re.search(r'<a href="\?([^"]*)" rel="next">', html).group(1).replace("&amp;", "&")
    problems, checked = [], 0
    for target in (url, second):
        with CaptureQueriesContext(connection) as queries:
            assert exporter_client.get(target).status_code == 200
        for query in queries.captured_queries:
            if (
                "summaries_summaryinventory" not in query["sql"]
                and "declarations_inventory" not in query["sql"]
            ):
                continue
            checked += 1
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
                plan = cursor.fetchone()[0]
            [root] = json.loads(plan) if isinstance(plan, str) else plan

            def visit(node, sql=query["sql"]):
                relation = node.get("Relation Name", "")
                if node["Node Type"] == "Seq Scan" and relation in (
                    "declarations_inventory",
                    "summaries_summaryinventory",
                ):
                    problems.append((sql[:160], "Seq Scan on " + relation))
                if node["Node Type"] in ("Sort", "Incremental Sort"):
                    fed = sum(c["Actual Rows"] * c["Actual Loops"] for c in node.get("Plans", []))
                    if fed > 51:
                        problems.append((sql[:160], f"Sort of {fed} rows"))
                for child in node.get("Plans", []):
                    visit(child)

            visit(root["Plan"])
    assert checked >= 4 and not problems
