"""Reads for traders and platforms, always scoped to the asking enterprise.

The trader's pages read a table of millions of lists, so they never count it and never sort
it: a page is the next 25 rows after a cursor on the sort key (keyset pagination), and the OR
across the party columns is a UNION ALL of one small index range per party (and per status),
each served in order by an index of migration 0008, merged, deduplicated, then fetched by id.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from customs_portal import texts

from .models import IntakeRejection, Inventory, InventoryStatus

# The parties whose lists a trader sees in the browser, and a platform when it polls.
PAGE_PARTIES = ("ebc_enterprise", "agent_enterprise", "owner_enterprise", "ebp_enterprise")
API_PARTIES = PAGE_PARTIES + ("logistics_enterprise",)


def _party_filter(enterprise, parties) -> Q:
    condition = Q()
    for name in parties:
        condition |= Q(**{name: enterprise})
    return condition


def inventory_list(*, enterprise, parties=PAGE_PARTIES, status="", date_from=None, date_to=None, order_no=""):
    qs = Inventory.objects.filter(_party_filter(enterprise, parties))
    if status:
        qs = qs.filter(status=status)
    start, end = local_day_bounds(date_from, date_to)
    if start:
        qs = qs.filter(received_at__gte=start)
    if end:
        qs = qs.filter(received_at__lt=end)
    if order_no:
        qs = qs.filter(order_no=order_no)
    return qs.order_by("-received_at", "-pk")


def inventory_get(*, enterprise, pk, parties=PAGE_PARTIES) -> Inventory:
    """One list the enterprise is a party to, or 404."""
    return get_object_or_404(
        Inventory.objects.filter(_party_filter(enterprise, parties)).prefetch_related(
            "lines", "history__actor"
        ),
        pk=pk,
    )


def intake_rejections(*, enterprise):
    """The entries this enterprise sent that were refused at intake, newest first."""
    return IntakeRejection.objects.filter(sender=enterprise).order_by("-created_at", "-pk")


def returned_inventories(*, enterprise):
    """Lists of this enterprise that customs returned or rejected, with their reasons."""
    return (
        Inventory.objects.filter(_party_filter(enterprise, PAGE_PARTIES))
        .filter(status__in=ERROR_STATUSES)
        .order_by("-updated_at", "-pk")
    )


# --- pages over big tables: keyset pagination ------------------------------------------------
ERROR_STATUSES = (InventoryStatus.RETURNED, InventoryStatus.REJECTED)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def local_day_bounds(date_from=None, date_to=None):
    """A half-open range [start, end) of instants covering whole local days (Beijing time).

    ``received_at >= start AND received_at < end`` is served by an index; casting the column
    to a local date (``received_at__date``) is not.
    """
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone) if date_from else None
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone) if date_to else None
    return start, end


@dataclass(frozen=True)
class Cursor:
    """A position in a list sorted newest first: the sort key (a time) and the id of one row."""

    at: dt.datetime
    pk: int

    def __str__(self) -> str:
        delta = self.at - _EPOCH
        return f"{(delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds}.{self.pk}"

    @classmethod
    def parse(cls, raw: str | None) -> "Cursor | None":
        """The cursor of a link, or None for anything else (the first page is shown)."""
        micros, _dot, pk = (raw or "").partition(".")
        if not (micros.lstrip("-").isdigit() and pk.isdigit()) or len(micros) > 18 or len(pk) > 18:
            return None
        try:
            return cls(_EPOCH + dt.timedelta(microseconds=int(micros)), int(pk))
        except OverflowError:
            return None


@dataclass
class KeysetPage:
    """One page of rows, newest first, and where the pages around it start."""

    object_list: list
    newer: Cursor | None = None  # set when newer rows exist: the first row of this page
    older: Cursor | None = None  # set when older rows exist: the last row of this page

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.newer is not None

    @property
    def has_next(self) -> bool:
        return self.older is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next


def _keyset_ids(branches, params, *, sort: str, cursor: Cursor | None, newer: bool, limit: int):
    """Ids of the first ``limit`` rows of the union of ``branches``, after ``cursor``.

    Every branch is one equality range of an index ending in (sort DESC, id DESC), so each
    reads at most ``limit`` index entries in order; PostgreSQL merges the branches (Merge
    Append) and drops the lists that several branches found (Unique): no sort, no count.
    """
    direction, compare = ("ASC", ">") if newer else ("DESC", "<")
    seek = f" AND ({sort}, id) {compare} (%s, %s)" if cursor else ""
    parts, args = [], []
    for condition, values in zip(branches, params, strict=True):
        parts.append(
            f"(SELECT {sort} AS k, id FROM declarations_inventory WHERE {condition}{seek}"
            f" ORDER BY {sort} {direction}, id {direction} LIMIT %s)"
        )
        args += [*values, *((cursor.at, cursor.pk) if cursor else ()), limit]
    sql = (
        f"SELECT DISTINCT k, id FROM ({' UNION ALL '.join(parts)}) AS u"
        f" ORDER BY k {direction}, id {direction} LIMIT %s"
    )
    with connection.cursor() as db:
        db.execute(sql, [*args, limit])
        rows = db.fetchall()
    return [Cursor(at, pk) for at, pk in rows]


def _keyset_page(queryset, keys, *, after, before, size):
    """Fetch the page's rows by id and say which neighbouring pages exist."""
    newer_side = before is not None and after is None
    keys = keys[: size + 1]
    more = len(keys) > size
    keys = keys[:size]
    if newer_side:
        keys.reverse()  # read upwards from the cursor: back to newest first
        if not more:
            return None  # nothing newer than this page: the caller shows the first page
    rows = {row.pk: row for row in queryset.filter(pk__in=[k.pk for k in keys])}
    page = KeysetPage([rows[k.pk] for k in keys if k.pk in rows])
    if keys:
        if newer_side or after is not None:
            page.newer = keys[0]
        if newer_side or more:
            page.older = keys[-1]
    return page


def inventory_page(
    *,
    enterprise,
    status="",
    date_from=None,
    date_to=None,
    order_no="",
    after: Cursor | None = None,
    before: Cursor | None = None,
    size: int = 25,
    fields=(),
) -> KeysetPage:
    """One page of the lists the enterprise is a party to, newest received first.

    ``after`` a cursor: the page of older lists; ``before``: the page of newer ones.
    """
    start, end = local_day_bounds(date_from, date_to)
    statuses = [status] if status else list(InventoryStatus.values)
    branches, params = [], []
    common, common_args = "", []
    if start:
        common += " AND received_at >= %s"
        common_args.append(start)
    if end:
        common += " AND received_at < %s"
        common_args.append(end)
    if order_no:
        # one order number: a handful of lists, found by its index whatever the party
        parties = " OR ".join(f"{name}_id = %s" for name in PAGE_PARTIES)
        condition = f"order_no = %s AND ({parties})" + (" AND status = %s" if status else "")
        branches.append(condition + common)
        params.append(
            [order_no, *[enterprise.pk] * len(PAGE_PARTIES), *([status] if status else []), *common_args]
        )
    else:
        for name in PAGE_PARTIES:
            for value in statuses:
                branches.append(f"{name}_id = %s AND status = %s" + common)
                params.append([enterprise.pk, value, *common_args])
    cursor = after or before
    newer = before is not None and after is None
    keys = _keyset_ids(branches, params, sort="received_at", cursor=cursor, newer=newer, limit=size + 1)
    queryset = Inventory.objects.only(*fields) if fields else Inventory.objects.all()
    page = _keyset_page(queryset, keys, after=after, before=before, size=size)
    if page is None:
        return inventory_page(
            enterprise=enterprise, status=status, date_from=date_from, date_to=date_to, order_no=order_no,
            size=size, fields=fields,
        )  # fmt: skip
    return page


def returned_inventory_page(
    *,
    enterprise,
    parties=PAGE_PARTIES,
    after: Cursor | None = None,
    before: Cursor | None = None,
    size: int = 25,
) -> KeysetPage:
    """The clearance error log's lists (returned or rejected), most recently changed first.

    ``parties``: the columns naming the enterprise (each has a partial index of these lists).
    """
    branches = [f"{name}_id = %s AND status IN (%s, %s)" for name in parties]
    params = [[enterprise.pk, *ERROR_STATUSES] for _name in parties]
    newer = before is not None and after is None
    keys = _keyset_ids(
        branches, params, sort="updated_at", cursor=after or before, newer=newer, limit=size + 1
    )
    queryset = Inventory.objects.only(
        "pk", "invt_no", "cop_no", "order_no", "status", "return_reasons", "updated_at"
    )
    page = _keyset_page(queryset, keys, after=after, before=before, size=size)
    return (
        page
        if page is not None
        else returned_inventory_page(enterprise=enterprise, parties=parties, size=size)
    )


def intake_rejection_page(
    *, enterprise, after: Cursor | None = None, before: Cursor | None = None, size: int = 25
) -> KeysetPage:
    """The entries this enterprise sent that were refused at intake, newest first."""
    qs = IntakeRejection.objects.filter(sender=enterprise)
    newer = before is not None and after is None
    cursor = after or before
    if cursor:
        # the bound on created_at alone is the index range; the OR only settles equal times
        if newer:
            qs = qs.filter(Q(created_at__gt=cursor.at) | Q(created_at=cursor.at, pk__gt=cursor.pk))
            qs = qs.filter(created_at__gte=cursor.at)
        else:
            qs = qs.filter(Q(created_at__lt=cursor.at) | Q(created_at=cursor.at, pk__lt=cursor.pk))
            qs = qs.filter(created_at__lte=cursor.at)
    order = ("created_at", "pk") if newer else ("-created_at", "-pk")
    rows = list(qs.order_by(*order)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if newer:
        if not more:
            return intake_rejection_page(enterprise=enterprise, size=size)
        rows.reverse()
    page = KeysetPage(rows)
    keys = [Cursor(row.created_at, row.pk) for row in rows]
    if keys:
        if newer or after is not None:
            page.newer = keys[0]
        if newer or more:
            page.older = keys[-1]
    return page


def reasons_by_field(reasons, language: str | None = None) -> list[tuple[str, str]]:
    """A list's return reasons as (field, reason) pairs in the reader's language (stored texts
    rendered; the plain text of lists returned before stored texts as it was)."""
    pairs = []
    for reason in reasons or []:
        if isinstance(reason, dict) and ("field" in reason or "reason" in reason or "message" in reason):
            text = reason.get("reason") or reason.get("message") or ""
            pairs.append((str(reason.get("field", "")), texts.render(text, language)))
        else:
            pairs.append(("", texts.render(reason, language)))
    return pairs


def reasons_rendered(reasons, language: str | None = None) -> list[dict]:
    """A list's return reasons as ``[{"field", "reason"}]`` with each reason rendered (the API)."""
    return [{"field": field, "reason": text} for field, text in reasons_by_field(reasons, language)]
