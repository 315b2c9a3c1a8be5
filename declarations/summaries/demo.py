"""Demo monthly summaries for the demo exporter 3100000002 (杭州云购跨境电商有限公司).

Last month: a few departed lists flagged B (two transport/port combinations, several
commodity codes, two destinations) and two flagged A, built into draft forms and statistics
by the same service ops run; this month: two departed lists, for the live eight-same preview.
The lists are written as the intake writes them (stored with their lines, then declared).

Idempotent: the lists carry ``DEMO-SUM-`` copy numbers and are made once; the build of an
unchanged month keeps its drafts. A missing exporter is skipped with a message.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

EXPORTER = ("3100000002", "913101159000000227")
PLATFORM, LOGISTICS = "3100000003", "3100000004"
PREFIX = "DEMO-SUM-"

# (copy no, days into the month, flag, traf mode, port, country, goods: (gcode, name, dest, qty, total))
LAST_MONTH = [
    ("01", 2, "B", "5", "2244", "502", [("8518220000", "蓝牙音箱", "502", "2", "398.00")]),
    ("02", 5, "B", "5", "2244", "502", [("8518220000", "蓝牙音箱", "502", "1", "199.00"), ("6109100022", "棉质T恤", "502", "3", "237.00")]),
    ("03", 9, "B", "5", "2244", "502", [("6109100022", "棉质T恤", "502", "5", "395.00")]),
    ("04", 12, "B", "5", "2244", "502", [("9503008900", "积木玩具", "303", "2", "256.00")]),
    ("05", 16, "B", "2", "2201", "303", [("8518220000", "蓝牙音箱", "303", "4", "796.00")]),
    ("06", 21, "B", "2", "2201", "303", [("4202920000", "旅行收纳包", "303", "6", "330.00")]),
    ("07", 23, "A", "5", "2244", "502", [("8517130000", "智能手机壳", "502", "2", "58.00")]),
    ("08", 26, "A", "5", "2244", "502", [("8517620000", "无线耳机", "502", "1", "129.00")]),
]  # fmt: skip
THIS_MONTH = [
    ("11", 0, "B", "5", "2244", "502", [("8518220000", "蓝牙音箱", "502", "1", "199.00")]),
    ("12", 0, "B", "5", "2244", "502", [("6109100022", "棉质T恤", "303", "2", "158.00")]),
]


def _find(customs_code, uscc=None):
    from django.db.models import Q

    from registration.models import Enterprise

    query = Q(customs_code=customs_code) | Q(uscc=uscc) if uscc else Q(customs_code=customs_code)
    return Enterprise.objects.filter(query).order_by("pk").first()


def _make_list(*, exporter, platform, logistics, spec, released):
    from declarations.models import Inventory, InventoryLine

    cop, _day, flag, traf_mode, port, country, goods = spec
    cop_no = f"{PREFIX}{released:%Y%m}-{cop}"
    if Inventory.objects.filter(agent_enterprise=exporter, cop_no=cop_no).exists():
        return False
    code = exporter.customs_code or exporter.uscc
    inventory = Inventory(
        guid=f"DEMOSUM0-0000-0000-0000-{released:%Y%m}{cop:>6}".replace(" ", "0")[:36],
        app_time=f"{released:%Y%m%d}100000",
        app_status="1",
        customs_code=port,
        ebp_code=platform.customs_code or platform.uscc,
        ebp_name=platform.name[:100],
        order_no=f"DEMO-SUM-ORDER-{released:%Y%m}-{cop}",
        logistics_code=logistics.customs_code or logistics.uscc,
        logistics_name=logistics.name[:100],
        logistics_no=f"DEMOSUM{released:%Y%m}{cop}",
        cop_no=cop_no,
        invt_no=f"{port}{released:%Y}E9{released:%m}{int(cop):07d}",
        port_code=port,
        ie_date=f"{released:%Y%m%d}",
        statistics_flag=flag,
        agent_code=code,
        agent_name=exporter.name[:100],
        ebc_code=code,
        ebc_name=exporter.name[:100],
        owner_code=code,
        owner_name=exporter.name[:100],
        trade_mode="9610",
        traf_mode=traf_mode,
        country=country,
        pod="USA" if country == "502" else "GBR",
        freight=Decimal("20"),
        f_currency="142",
        f_flag="3",
        insured_fee=Decimal("0"),
        i_currency="142",
        i_flag="3",
        wrap_type="2",
        pack_no=1,
        gross_weight=Decimal("1.2"),
        net_weight=Decimal("1.0"),
        ebp_enterprise=platform,
        ebc_enterprise=exporter,
        agent_enterprise=exporter,
        owner_enterprise=exporter,
        logistics_enterprise=logistics,
        sender=exporter,
        total_value=sum((Decimal(g[4]) for g in goods), Decimal(0)),
        channel="green",
        declared_at=released,
        released_at=released,
        departed_at=released + dt.timedelta(hours=10),
    )
    inventory.__dict__["status"] = "departed"  # protected FSM field: set once, at creation
    inventory.save()
    InventoryLine.objects.bulk_create(
        InventoryLine(
            inventory=inventory,
            gnum=n,
            item_no=f"DEMO-{gcode}",
            item_name=name,
            gcode=gcode,
            gname=name,
            gmodel="demo",
            bar_code="",
            country=dest,
            currency="142",
            qty=Decimal(qty),
            qty1=Decimal(qty),
            unit="011",
            unit1="011",
            price=Decimal(total) / Decimal(qty),
            total_price=Decimal(total),
        )
        for n, (gcode, name, dest, qty, total) in enumerate(goods, start=1)
    )
    Inventory.objects.filter(pk=inventory.pk).update(app_status="2")  # declared: frozen from now on
    return True


def seed(*, stdout):
    from .services import BEIJING, previous_month, summary_month_build

    exporter = _find(*EXPORTER)
    if exporter is None:
        stdout.write(
            "summaries demo: demo exporter 3100000002 is missing; skipped (run registration's demo first)"
        )
        return []
    platform = _find(PLATFORM) or exporter
    logistics = _find(LOGISTICS) or exporter
    today = timezone.localdate()
    last = previous_month(today)
    made = 0
    for spec in LAST_MONTH:
        released = dt.datetime.combine(last + dt.timedelta(days=spec[1]), dt.time(10), tzinfo=BEIJING)
        made += _make_list(
            exporter=exporter, platform=platform, logistics=logistics, spec=spec, released=released
        )
    for spec in THIS_MONTH:
        released = dt.datetime.combine(today, dt.time(0, 30), tzinfo=BEIJING)
        made += _make_list(
            exporter=exporter, platform=platform, logistics=logistics, spec=spec, released=released
        )
    result = summary_month_build(enterprise=exporter, month=last)
    stdout.write(f"summaries demo: {made} new lists; {last:%Y-%m} for {exporter.customs_code}: {result}")
    return []
