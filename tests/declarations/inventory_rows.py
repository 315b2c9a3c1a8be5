"""Declaration lists written straight to the database, for page and polling tests."""

import itertools
from decimal import Decimal

from declarations.models import Inventory, InventoryHistory, InventoryLine

_seq = itertools.count(1)


def make_inventory(
    *,
    ebc,
    agent=None,
    owner=None,
    ebp=None,
    logistics=None,
    status="stored",
    order_no=None,
    return_reasons=None,
    lines=1,
    **fields,
):
    n = next(_seq)
    agent, owner, ebp, logistics = agent or ebc, owner or ebc, ebp or ebc, logistics or ebc
    data = {
        "guid": f"{n:036d}",
        "app_time": "20260105101010",
        "app_status": "1",  # declared (2) once the lines are in: the trigger freezes declared lists
        "customs_code": "2244",
        "ebp_code": ebp.customs_code,
        "ebp_name": ebp.name,
        "order_no": order_no or f"ORD-{n}",
        "logistics_code": logistics.customs_code,
        "logistics_name": logistics.name,
        "logistics_no": f"LN-{n}",
        "cop_no": f"COP-{n}",
        "invt_no": None if status == "stored" else f"22442026E{n:09d}",
        "port_code": "2244",
        "ie_date": "20260105",
        "statistics_flag": "B",
        "agent_code": agent.customs_code,
        "agent_name": agent.name,
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
        "ebp_enterprise": ebp,
        "ebc_enterprise": ebc,
        "agent_enterprise": agent,
        "owner_enterprise": owner,
        "logistics_enterprise": logistics,
        "sender": agent,
        "return_reasons": return_reasons or [],
        "total_value": Decimal("100") * lines,
    }
    data.update(fields)
    inventory = Inventory(**data)
    inventory.__dict__["status"] = status  # protected FSM field: set once, at creation
    inventory.save()
    InventoryLine.objects.bulk_create(
        InventoryLine(
            inventory=inventory,
            gnum=g,
            item_no=f"SKU-{g}",
            gcode="8518220000",
            gname="蓝牙音箱",
            gmodel="BT-5",
            bar_code="",
            country="502",
            currency="142",
            qty=Decimal(2),
            qty1=Decimal(2),
            unit="007",
            unit1="007",
            price=Decimal(50),
            total_price=Decimal(100),
        )  # fmt: skip
        for g in range(1, lines + 1)
    )
    if status != "stored":
        Inventory.objects.filter(pk=inventory.pk).update(app_status="2")
        InventoryHistory.objects.create(
            inventory=inventory, from_status="stored", to_status=status, reason="test"
        )
    return Inventory.objects.get(pk=inventory.pk)
