"""Declared lists written straight to the database, ready for the channel decision."""

import itertools
from decimal import Decimal

import pytest

_seq = itertools.count(1)


@pytest.fixture
def exporter(enterprise_factory):
    return enterprise_factory(roles=("owner", "ecommerce"), pilot_zone=True)


@pytest.fixture
def make_declared(db, exporter):
    """A declared list that passed the comparison (status ``declared``, not yet routed)."""
    from django.utils import timezone

    from declarations.models import Inventory, InventoryHistory, InventoryLine

    def create(*, ebc=None, lines=None, status="declared", invt_no=None, **fields):
        ebc = ebc or exporter
        n = next(_seq)
        lines = lines or [{}]
        total = Decimal(0)
        line_rows = []
        for g, line in enumerate(lines, start=1):
            row = {
                "gnum": g,
                "item_no": f"SKU-{g}",
                "gcode": "8518220000",
                "gname": "蓝牙音箱",
                "gmodel": "BT-5",
                "bar_code": "",
                "country": "502",
                "currency": "142",
                "qty": Decimal(1),
                "qty1": Decimal(1),
                "unit": "007",
                "unit1": "007",
                "price": Decimal(100),
                "total_price": Decimal(100),
            }
            row.update(line)
            total += row["total_price"]
            line_rows.append(row)
        data = {
            "guid": f"{n:036d}",
            "app_time": "20260105101010",
            "app_status": "1",  # declared below, once the lines are in (the trigger freezes them)
            "customs_code": "2244",
            "ebp_code": ebc.customs_code,
            "ebp_name": ebc.name,
            "order_no": f"CH-ORD-{n}",
            "logistics_code": ebc.customs_code,
            "logistics_name": ebc.name,
            "logistics_no": f"CH-LN-{n}",
            "cop_no": f"CH-COP-{n}",
            "invt_no": invt_no or f"22442026E{900000000 + n:09d}",
            "port_code": "2244",
            "ie_date": "20260105",
            "statistics_flag": "B",
            "agent_code": ebc.customs_code,
            "agent_name": ebc.name,
            "ebc_code": ebc.customs_code,
            "ebc_name": ebc.name,
            "owner_code": ebc.customs_code,
            "owner_name": ebc.name,
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
            "owner_enterprise": ebc,
            "logistics_enterprise": ebc,
            "sender": ebc,
            "total_value": total,
            "declared_at": timezone.now(),
        }
        data.update(fields)
        inventory = Inventory(**data)
        inventory.__dict__["status"] = status  # protected FSM field: set once, at creation
        inventory.save()
        InventoryLine.objects.bulk_create(InventoryLine(inventory=inventory, **row) for row in line_rows)
        Inventory.objects.filter(pk=inventory.pk).update(app_status="2")
        InventoryHistory.objects.create(
            inventory=inventory, from_status="stored", to_status=status, reason="test"
        )
        return Inventory.objects.get(pk=inventory.pk)

    return create


@pytest.fixture
def no_draw(db):
    """Rate 0: nothing is drawn at random, so the rules alone decide."""
    from declarations.channels.models import InspectionSetting

    InspectionSetting.objects.create(rate=0)


@pytest.fixture
def risk_officer(staff_factory):
    return staff_factory("risk_officer")


@pytest.fixture
def risk_client(otp_client_factory, risk_officer):
    return otp_client_factory(risk_officer)
