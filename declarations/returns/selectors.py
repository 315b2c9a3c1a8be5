"""Reads of returns: a trader's own, and what the monthly summary takes out.

The summary helpers are used only for a month that has an accepted return (``month_has_returns``,
one indexed query): a month without returns is aggregated by exactly the same queries as
before returns existed.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from declarations.models import InventoryStatus

from .models import InventoryReturn, InventoryReturnLine, ReturnStatus

ZERO = Value(0, output_field=DecimalField(max_digits=19, decimal_places=5))


def _month_returns(*, enterprise_id: int, month: dt.date):
    from declarations.summaries.services import month_bounds

    start, end = month_bounds(month)
    return InventoryReturn.objects.filter(
        status=ReturnStatus.ACCEPTED,
        inventory__ebc_enterprise_id=enterprise_id,
        inventory__status=InventoryStatus.DEPARTED,
        inventory__released_at__gte=start,
        inventory__released_at__lt=end,
    )


def month_has_returns(*, enterprise_id: int, month: dt.date) -> bool:
    return _month_returns(enterprise_id=enterprise_id, month=month).exists()


def fully_returned_ids(*, enterprise_id: int, month: dt.date) -> list[int]:
    """The month's lists whose goods have all come back: they are on no form any more."""
    return list(
        _month_returns(enterprise_id=enterprise_id, month=month)
        .filter(completes_list=True)
        .values_list("inventory_id", flat=True)
        .distinct()
    )


def _returned(column: str):
    return Subquery(
        InventoryReturnLine.objects.filter(
            inventory_line=OuterRef("pk"), inventory_return__status=ReturnStatus.ACCEPTED
        )
        .values("inventory_line")
        .annotate(total=Sum(column))
        .values("total")[:1],
        output_field=DecimalField(max_digits=19, decimal_places=5),
    )


def net_of_returns(lines):
    """Goods lines with what is left after accepted returns (``net_qty``, ``net_qty1``,
    ``net_total``); lines returned in whole are left out."""
    return lines.annotate(
        net_qty=F("qty") - Coalesce(_returned("qty"), ZERO),
        net_qty1=F("qty1") - Coalesce(_returned("qty1"), ZERO),
        net_total=F("total_price") - Coalesce(_returned("total_price"), ZERO),
    ).filter(net_qty__gt=0)


def returned_by_line(*, line_ids) -> dict[int, dict]:
    """{inventory line id: {"qty", "qty1", "qty2", "total"}} of the accepted returns (one query)."""
    rows = (
        InventoryReturnLine.objects.filter(
            inventory_line_id__in=list(line_ids), inventory_return__status=ReturnStatus.ACCEPTED
        )
        .values("inventory_line_id")
        .annotate(qty=Sum("qty"), qty1=Sum("qty1"), qty2=Sum("qty2"), total=Sum("total_price"))
    )
    return {row.pop("inventory_line_id"): row for row in rows}


def inventory_returns(*, inventory):
    """The returns of a list the asking party may already see (the list page checked that)."""
    return inventory.inventory_returns.prefetch_related("lines").order_by("received_at", "id")


def summary_amendments(*, form):
    return form.amendments.select_related("inventory_return").order_by("created_at", "id")
