"""A consistent parcel (order, payment, waybill, declaration list) for the real intake services."""

import itertools
from dataclasses import dataclass

from declarations.models import Goods

from . import ceb_builders as b

_seq = itertools.count(1)


@dataclass
class Cast:
    platform: object
    ebc: object
    broker: object
    logistics: object
    payment: object


def make_cast(enterprise_factory, **ebc_fields) -> Cast:
    return Cast(
        platform=enterprise_factory(roles=("platform",)),
        ebc=enterprise_factory(roles=("ecommerce", "owner"), **ebc_fields),
        broker=enterprise_factory(roles=("broker",)),
        logistics=enterprise_factory(roles=("logistics",)),
        payment=enterprise_factory(roles=("payment",)),
    )


def register_goods(enterprise, item_no="SKU-1", gcode="8518220000", status="approved", **flags) -> Goods:
    goods = Goods(enterprise=enterprise, item_no=item_no, name="Bluetooth speaker", gcode=gcode, unit="007",
                  unit1="007", **flags)  # fmt: skip
    goods.__dict__["status"] = status  # protected FSM field: set once, at creation
    goods.save()
    return goods


def parcel(cast: Cast, *, agent=None, lines=None, charge=None, statistics_flag="B", app_status="2", **kw):
    """The four entries of one parcel, consistent with one another."""
    n = next(_seq)
    order_no, logistics_no = f"ORD-P{n:06d}", f"LN-P{n:06d}"
    lines = lines or [
        {"itemNo": "SKU-1", "gcode": "8518220000", "qty": "2", "price": "50", "totalPrice": "100"}
    ]
    order = b.order_entry(ebp=cast.platform, ebc=cast.ebc, order_no=order_no, lines=lines)
    total = sum(float(line["totalPrice"]) for line in lines)
    payment = b.payment_entry(
        ebp=cast.platform,
        ebc=cast.ebc,
        pay=cast.payment,
        order_no=order_no,
        charge=charge or f"{total + 10:g}",
    )
    waybill = b.waybill_entry(logistics=cast.logistics, logistics_no=logistics_no, ebc=cast.ebc)
    inventory = b.inventory_entry(
        ebp=cast.platform, ebc=cast.ebc, agent=agent or cast.ebc, owner=cast.ebc, logistics=cast.logistics,
        order_no=order_no, logistics_no=logistics_no, lines=lines, statistics_flag=statistics_flag,
        app_status=app_status, **kw,
    )  # fmt: skip
    return {"order": order, "payment": payment, "waybill": waybill, "inventory": inventory}
