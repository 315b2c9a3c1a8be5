"""What every customs screen's list shares, so that a page costs the same with ten rows or a
million.

- Each admin names the related rows its columns show (``list_select_related``) and fetches
  anything else for the whole page at once (a prefetch), never per row.
- The staff-role check is one query per request (customs_portal.permissions).
- One count per page, not two: Django's "N of M" total (``show_full_result_count``) is a
  second ``COUNT(*)`` of the unfiltered table on every view.
- On the tables that grow with the parcels, past ``ESTIMATE_ABOVE`` rows the count is
  PostgreSQL's planner estimate instead of an exact ``COUNT(*)``, which reads every matching
  row on every view of a large queue; the page then shows "≈" (templates/admin/pagination.html).
"""

import json

from django.contrib.admin import helpers
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.html import format_html

# Django's own text, translated by Django's catalogue (a name makemessages does not extract)
from django.utils.translation import gettext as django_text

from casework.admin import PortalAdminMixin

# Below this many rows (as the planner estimates them) the exact count is cheap enough (an
# index-only count of 5,000 rows: a few ms).
ESTIMATE_ABOVE = 5_000


def planner_row_estimate(queryset: QuerySet) -> int | None:
    """How many rows PostgreSQL's planner expects ``queryset`` to return (None elsewhere)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """The exact count for small results, the planner's estimate for large ones."""

    estimated = False

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            estimate = planner_row_estimate(self.object_list)
            if estimate is not None and estimate > ESTIMATE_ABOVE:
                self.estimated = True
                return estimate
        return super().count


class QueueAdminMixin(PortalAdminMixin):
    """Put first in a customs ModelAdmin's bases: one count per page, 50 rows a page (the
    rendering of the rows is most of a queue page's time; reviewers work from the top), and
    the export of the list as filtered to CSV and XLSX (casework.admin.PortalAdminMixin)."""

    show_full_result_count = False
    list_per_page = 50

    def action_checkbox(self, obj):
        """The row's checkbox, as Django writes it, without a form widget's template per row
        (that was a fifth of a queue page's time)."""
        label = format_html(django_text("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )


class LargeQueueAdminMixin(QueueAdminMixin):
    """For the tables that grow with the parcels (lists, their decisions, cancel requests, what
    intake keeps or refuses, reminders): the count is estimated once it is large. The estimate
    costs one EXPLAIN, so small tables (rules, rates, enterprises) keep the plain count."""

    paginator = EstimatedCountPaginator
