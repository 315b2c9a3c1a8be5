"""The cooperation clearance error log pages through the lists without counting them (issue 11)."""

import re
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from declarations.models import Inventory
from tests.declarations.bulk_lists import bulk_lists


def walk(client):
    url = reverse("cooperation:clearance_errors")
    rows, pages, query = [], [], ""
    for _ in range(6):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(f"{url}?{query}").content.decode()
        rows += re.findall(r'data-testid="clearance-error"><td>([^<]+)</td>', html)
        pages.append([q["sql"] for q in queries.captured_queries])
        found = re.search(r'<a href="\?([^"]*)" rel="next">', html)
        if not found:
            break
        query = unescape(found.group(1))
    return rows, pages


def test_the_log_runs_the_same_queries_for_3_errors_and_for_60(trader_client, enterprise, other_enterprise):
    bulk_lists(ebc=enterprise, count=3, tag="C3", error_every=1)
    bulk_lists(ebc=other_enterprise, count=20, tag="CO", error_every=1)
    few, few_pages = walk(trader_client)
    assert len(few) == 3 and len(few_pages) == 1
    bulk_lists(ebc=enterprise, count=57, tag="C60", error_every=1)
    many, many_pages = walk(trader_client)
    expected = Inventory.objects.filter(ebc_enterprise=enterprise).order_by("-updated_at", "-pk")
    assert many == [inv.invt_no for inv in expected] and len(many) == 60 and len(many_pages) == 3
    for queries in many_pages:
        assert len(queries) == len(few_pages[0])
        assert not [sql for sql in queries if "COUNT(" in sql.upper() and "declarations_inventory" in sql]
