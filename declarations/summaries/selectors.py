"""Reads for monthly summaries, always scoped to the asking enterprise.

An e-commerce enterprise sees its own forms; a customs broker sees the forms of every
e-commerce enterprise that has authorized it for export today (domain: an agent declares for
a principal only under an approved authorization valid on that day).
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from declarations.models import Inventory
from registration.models import Enterprise

from .models import REVIEW_STATUSES, SummaryForm, SummaryStatistic, SummaryStatus


def principals_for(*, enterprise: Enterprise, on_date: dt.date | None = None) -> QuerySet[Enterprise]:
    """The enterprises whose summaries ``enterprise`` may see: itself and its export principals."""
    from authorization.models import Authorization, AuthorizationStatus, Scope

    on_date = on_date or timezone.localdate()
    principal_ids = Authorization.objects.filter(
        agent=enterprise,
        status=AuthorizationStatus.APPROVED,
        scope__in=[Scope.EXPORT, Scope.BOTH],
        valid_from__lte=on_date,
        valid_to__gte=on_date,
    ).values("principal_id")
    return Enterprise.objects.filter(Q(pk=enterprise.pk) | Q(pk__in=principal_ids)).order_by("name")


def summary_forms_for(*, enterprise: Enterprise) -> QuerySet[SummaryForm]:
    return SummaryForm.objects.filter(enterprise__in=principals_for(enterprise=enterprise)).select_related(
        "enterprise", "owner_enterprise", "submitted_by"
    )


def month_forms(*, principal: Enterprise, month: dt.date) -> QuerySet[SummaryForm]:
    return SummaryForm.objects.filter(enterprise=principal, month=month).order_by("number")


def month_statistics(*, principal: Enterprise, month: dt.date) -> QuerySet[SummaryStatistic]:
    return SummaryStatistic.objects.filter(enterprise=principal, month=month)


def months_with_forms(*, principal: Enterprise) -> list[dict]:
    """One row per month with forms: counts per status, for the month list."""
    return list(
        SummaryForm.objects.filter(enterprise=principal)
        .values("month")
        .annotate(
            forms=Count("id"),
            drafts=Count("id", filter=Q(status=SummaryStatus.DRAFT)),
            returned=Count("id", filter=Q(status=SummaryStatus.RETURNED)),
            waiting=Count("id", filter=Q(status__in=REVIEW_STATUSES)),
            accepted=Count("id", filter=Q(status=SummaryStatus.ACCEPTED)),
            total=Sum("total_price"),
        )
        .order_by("-month")
    )


def form_inventories(*, form: SummaryForm) -> QuerySet[Inventory]:
    return Inventory.objects.filter(summary_link__form=form).order_by("invt_no")


def form_inventory_page(
    *, form: SummaryForm, after: int | None = None, before: int | None = None, size: int = 50
):
    """One page of a form's declaration lists in the order they were received (by id).

    A form may hold hundreds of thousands of lists: the page reads ``size`` links after the
    cursor from the (form, inventory) index and fetches those lists by id, never counting or
    sorting the form's lists.
    """
    from declarations.selectors import KeysetPage

    from .models import SummaryInventory

    links = SummaryInventory.objects.filter(form=form)
    backwards = before is not None and after is None
    if backwards:
        links = links.filter(inventory_id__lt=before).order_by("-inventory_id")
    else:
        links = links.filter(inventory_id__gt=after) if after is not None else links
        links = links.order_by("inventory_id")
    ids = list(links.values_list("inventory_id", flat=True)[: size + 1])
    more = len(ids) > size
    ids = ids[:size]
    if backwards:
        if not more:
            return form_inventory_page(form=form, size=size)  # back at the start: the first page
        ids.reverse()
    rows = Inventory.objects.filter(pk__in=ids).only("pk", "invt_no", "order_no").order_by("pk")
    page = KeysetPage(list(rows))
    if ids:
        if backwards or after is not None:
            page.newer = ids[0]
        if backwards or more:
            page.older = ids[-1]
    return page


# --- the current month's eight-same preview -------------------------------------------------
logger = logging.getLogger(__name__)
PREVIEW_CACHE_SECONDS = 40 * 24 * 3600  # a month's preview is worth keeping until the month ends
PREVIEW_REFRESH_LOCK_SECONDS = 300

_PREVIEW_VERSION_SQL = """
SELECT (SELECT count(*) FROM declarations_inventory
         WHERE ebc_enterprise_id = %s AND status = 'departed' AND released_at >= %s AND released_at < %s),
       (SELECT count(*) FROM summaries_summaryform WHERE enterprise_id = %s AND month = %s),
       (SELECT coalesce(max(id), 0) FROM summaries_summaryform WHERE enterprise_id = %s AND month = %s),
       (SELECT count(*) FROM returns_inventoryreturn WHERE ebc_enterprise_id = %s AND status = 'accepted')
"""


@dataclass
class MonthPreview:
    forms: list = field(default_factory=list)
    computed_at: dt.datetime | None = None
    stale: bool = False  # lists departed (or forms changed) since it was computed: a refresh is queued

    @property
    def line_count(self) -> int:
        return sum(len(planned.lines) for planned in self.forms)


def _preview_key(enterprise_id: int, month: dt.date) -> str:
    return f"summaries:preview:{enterprise_id}:{month:%Y-%m}"


def preview_version(*, enterprise_id: int, month: dt.date) -> tuple[int, int, int, int]:
    """What the month's preview depends on, read from indexes in one query.

    A departed list never changes again (departure is final, its lines are frozen), so the
    number of the month's departed lists only grows with each change to them; the month's
    forms (count and newest id) change when a build links lists or drafts are deleted.
    """
    from .services import month_bounds

    start, end = month_bounds(month)
    with connection.cursor() as cursor:
        cursor.execute(
            _PREVIEW_VERSION_SQL,
            [enterprise_id, start, end, enterprise_id, month, enterprise_id, month, enterprise_id],
        )
        return tuple(cursor.fetchone())


def preview_refresh(*, enterprise_id: int, month: dt.date) -> MonthPreview:
    """Compute the month's preview (the slow grouped query) and keep it with its version."""
    from .services import summary_plan

    version = preview_version(enterprise_id=enterprise_id, month=month)  # before: a later change re-stales it
    preview = MonthPreview(
        forms=summary_plan(enterprise_id=enterprise_id, month=month), computed_at=timezone.now()
    )
    cache.set(_preview_key(enterprise_id, month), (version, preview), PREVIEW_CACHE_SECONDS)
    cache.delete(_preview_key(enterprise_id, month) + ":refreshing")
    return preview


def month_preview(*, principal: Enterprise, month: dt.date) -> MonthPreview:
    """The month's eight-same preview, recomputed only when its lists or forms changed.

    Unchanged: the kept one. Changed: the kept one, marked stale, while a Celery task computes
    the new one (one at a time per enterprise and month), so no page view waits for it; only
    the very first view of a month computes it in the request.
    """
    from .tasks import refresh_preview_task

    key = _preview_key(principal.pk, month)
    kept = cache.get(key)
    version = preview_version(enterprise_id=principal.pk, month=month)
    if kept is None:
        return preview_refresh(enterprise_id=principal.pk, month=month)
    kept_version, preview = kept
    if tuple(kept_version) == version:
        return preview
    if cache.add(key + ":refreshing", 1, PREVIEW_REFRESH_LOCK_SECONDS):
        try:
            refresh_preview_task.delay(principal.pk, month.isoformat())
        except Exception:  # the broker is down: show the kept preview, try again on a later view
            logger.exception("could not queue the summary preview refresh")
            cache.delete(key + ":refreshing")
        kept = cache.get(key)  # a worker may already have answered (always so when tasks run eagerly)
        if kept is not None and tuple(kept[0]) == version:
            return kept[1]
    preview.stale = True
    return preview
