"""The summaries overview does not regroup the month's goods lines on every view (issue 11).

The current month's eight-same preview is the one slow query of the page (seconds once the
month holds tens of thousands of lists): it runs again only when the month's departed lists
or forms changed, and the page's queries do not grow with the lists.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

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
