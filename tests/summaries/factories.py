"""Departed declaration lists with chosen goods lines, straight into the database."""

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

from declarations.models import Inventory, InventoryLine

BEIJING = ZoneInfo("Asia/Shanghai")
_gnum = itertools.count(1)


def beijing(value: str) -> dt.datetime:
    """'2026-10-20' or '2026-10-31 23:59' → an aware Beijing time."""
    fmt = "%Y-%m-%d %H:%M" if " " in value else "%Y-%m-%d"
    return dt.datetime.strptime(value, fmt).replace(tzinfo=BEIJING)


def line(gcode="8518220000", country="502", currency="142", qty="2", qty1="2", unit1="007", total="100"):
    return {
        "gcode": gcode,
        "country": country,
        "currency": currency,
        "qty": Decimal(qty),
        "qty1": Decimal(qty1),
        "unit1": unit1,
        "total_price": Decimal(total),
    }


_seq = itertools.count(1)


def listed(
    ebc, *, released="2026-10-20", status="departed", flag="B", goods=None, owner=None, **fields
) -> Inventory:
    """A declaration list of ``ebc`` released on ``released`` (Beijing), with ``goods`` lines.

    Written as the intake writes it: stored with its lines first, then declared (app_status 2),
    after which PostgreSQL freezes the declared columns and the lines.
    """
    goods = goods if goods is not None else [line()]
    released_at = beijing(released) if released else None
    n = next(_seq)
    owner = owner or ebc
    data = {
        "guid": f"5{n:035d}",
        "app_time": "20261020101010",
        "app_status": "1",
        "customs_code": "2244",
        "ebp_code": ebc.customs_code,
        "ebp_name": ebc.name,
        "order_no": f"SUM-ORD-{n}",
        "logistics_code": ebc.customs_code,
        "logistics_name": ebc.name,
        "logistics_no": f"SUM-LN-{n}",
        "cop_no": f"SUM-COP-{n}",
        "invt_no": f"22442026S{n:09d}",
        "port_code": "2244",
        "ie_date": "20261020",
        "statistics_flag": flag,
        "agent_code": ebc.customs_code,
        "agent_name": ebc.name,
        "ebc_code": ebc.customs_code,
        "ebc_name": ebc.name,
        "owner_code": owner.customs_code,
        "owner_name": owner.name,
        "trade_mode": "9610",
        "traf_mode": "5",
        "country": "502",
        "pod": "USA",
        "freight": Decimal("10"),
        "f_currency": "142",
        "f_flag": "3",
        "insured_fee": Decimal("0"),
        "i_currency": "142",
        "i_flag": "3",
        "wrap_type": "2",
        "pack_no": 1,
        "gross_weight": Decimal("1.5"),
        "net_weight": Decimal("1.2"),
        "ebp_enterprise": ebc,
        "ebc_enterprise": ebc,
        "agent_enterprise": ebc,
        "owner_enterprise": owner,
        "logistics_enterprise": ebc,
        "sender": ebc,
        "total_value": sum((g["total_price"] for g in goods), Decimal(0)),
        "released_at": released_at,
        "departed_at": released_at + dt.timedelta(days=1) if released_at and status == "departed" else None,
    }
    data.update(fields)
    inventory = Inventory(**data)
    inventory.__dict__["status"] = status  # protected FSM field: set once, at creation
    inventory.save()
    InventoryLine.objects.bulk_create(
        InventoryLine(
            inventory=inventory,
            gnum=g_no,
            item_no=f"SKU-{next(_gnum)}",
            gname="蓝牙音箱",
            gmodel="BT-5",
            bar_code="",
            unit="007",
            price=g["total_price"] / g["qty"] if g["qty"] else g["total_price"],
            **g,
        )
        for g_no, g in enumerate(goods, start=1)
    )
    Inventory.objects.filter(pk=inventory.pk).update(app_status="2")
    return Inventory.objects.get(pk=inventory.pk)


def depart(inventory: Inventory, when: str = "2026-11-03") -> None:
    """A released list leaves the country later (status field only, as the departure intake does)."""
    Inventory.objects.filter(pk=inventory.pk).update(status="departed", departed_at=beijing(when))
