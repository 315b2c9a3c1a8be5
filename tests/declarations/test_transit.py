"""Declared on collection, waybill summaries (CEB607), arrival (CEB507), and departure by
total package, through the real intake services."""

import pytest
from django.utils import translation

from customs_portal import texts
from declarations.exchange.models import Receipt as ReceiptRow
from declarations.intake import intake_entries
from declarations.models import Inventory, InventoryHistory
from declarations.transit.models import ArrivalRequiredCustoms, AutoDeclaration, ListTransit
from declarations.transit.services import auto_declaration_set
from registration.models import EnterpriseHistory

from . import ceb_builders as b
from . import in_english
from .parcels import make_cast, parcel, register_goods

_english = in_english._english
pytestmark = pytest.mark.usefixtures("no_random_inspection")


@pytest.fixture
def cast(enterprise_factory):
    cast = make_cast(enterprise_factory, pilot_zone=True)
    register_goods(cast.ebc)
    return cast


SENDER = {"order": "platform", "payment": "payment", "waybill": "logistics", "inventory": "ebc"}


def send(cast, kind, *entries, sender=None):
    sender = sender or getattr(cast, SENDER.get(kind, "logistics"))
    return intake_entries(kind=kind, entries=list(entries), sender=sender).receipts


def send_parcel(cast, p, kinds=("order", "payment", "waybill", "inventory")):
    return {kind: send(cast, kind, p[kind])[0] for kind in kinds}


def inventory_of(p) -> Inventory:
    return Inventory.objects.get(cop_no=p["inventory"]["copNo"])


def opt_in(enterprise, trader_factory):
    admin = trader_factory(enterprise)
    assert auto_declaration_set(enterprise=enterprise, actor=admin, enabled=True)
    return admin


def released_parcels(cast, n):
    parcels = [parcel(cast) for _ in range(n)]
    for p in parcels:
        send_parcel(cast, p)
        assert inventory_of(p).status == "released"
    return parcels


# --- declared on collection ------------------------------------------------------------------------
def test_a_waybill_declares_the_stored_list_of_an_opted_in_enterprise(cast, trader_factory):
    opt_in(cast.ebc, trader_factory)
    p = parcel(cast, app_status="1")
    send_parcel(cast, p, kinds=("order", "payment", "inventory"))
    assert inventory_of(p).status == "stored"

    [receipt] = send(cast, "waybill", p["waybill"])

    assert receipt.status == "accepted"
    inv = inventory_of(p)
    assert inv.status == "released" and inv.app_status == "2"
    assert inv.invt_no and inv.invt_no.startswith("2244")
    declared = InventoryHistory.objects.get(inventory=inv, to_status="declared")
    assert "declared on collection" in texts.render(declared.reason)
    assert p["waybill"]["logisticsNo"] in texts.render(declared.reason)
    with translation.override("zh-hans"):
        assert "揽收" in texts.render(declared.reason)
    # CEB604 receipts for the list's parties: declared (120), then released (800)
    statuses = list(
        ReceiptRow.objects.filter(kind="inventory", key=inv.cop_no, recipient=cast.ebc)
        .order_by("id")
        .values_list("return_status", flat=True)
    )
    assert statuses[-2:] == ["120", "800"]


def test_a_resent_waybill_declares_nothing_twice(cast, trader_factory):
    opt_in(cast.ebc, trader_factory)
    p = parcel(cast, app_status="1")
    send_parcel(cast, p, kinds=("order", "payment", "inventory", "waybill"))
    inv = inventory_of(p)
    history = InventoryHistory.objects.filter(inventory=inv).count()

    [again] = send(cast, "waybill", p["waybill"])

    assert again.status == "duplicate"
    assert inventory_of(p).invt_no == inv.invt_no
    assert InventoryHistory.objects.filter(inventory=inv).count() == history


def test_without_opting_in_a_waybill_leaves_the_list_stored(cast):
    p = parcel(cast, app_status="1")
    send_parcel(cast, p)
    inv = inventory_of(p)
    assert inv.status == "stored" and inv.invt_no is None


def test_another_logistics_enterprises_waybill_does_not_declare_the_list(
    cast, enterprise_factory, trader_factory
):
    opt_in(cast.ebc, trader_factory)
    p = parcel(cast, app_status="1")
    send_parcel(cast, p, kinds=("order", "payment", "inventory"))
    stranger = enterprise_factory(roles=("logistics",))
    waybill = b.waybill_entry(logistics=stranger, logistics_no=p["waybill"]["logisticsNo"])
    assert send(cast, "waybill", waybill, sender=stranger)[0].status == "accepted"
    assert inventory_of(p).status == "stored"


def test_opting_in_is_logged_and_only_for_the_enterprises_administrator(cast, trader_factory):
    from customs_portal.errors import ApplicationError

    operator = trader_factory(cast.ebc, admin=False)
    with pytest.raises(ApplicationError):
        auto_declaration_set(enterprise=cast.ebc, actor=operator, enabled=True)
    outsider = trader_factory(cast.platform)
    with pytest.raises(ApplicationError):
        auto_declaration_set(enterprise=cast.ebc, actor=outsider, enabled=True)
    admin = opt_in(cast.ebc, trader_factory)
    assert not auto_declaration_set(enterprise=cast.ebc, actor=admin, enabled=True)  # no change
    assert auto_declaration_set(enterprise=cast.ebc, actor=admin, enabled=False)
    notes = [
        texts.render(h.reason) for h in EnterpriseHistory.objects.filter(enterprise=cast.ebc).order_by("id")
    ]
    assert notes[-2:] == [
        "Stored declaration lists are now declared when the logistics enterprise's waybill arrives",
        "Stored declaration lists are no longer declared when the waybill arrives",
    ]
    assert AutoDeclaration.objects.get(enterprise=cast.ebc).enabled is False


# --- waybill summary, arrival, departure by package ----------------------------------------------
def test_a_waybill_summary_groups_released_lists_into_total_packages(cast):
    p1, p2, p3 = released_parcels(cast, 3)
    entry = b.waybill_summary_entry(
        logistics=cast.logistics,
        lines=[
            (p1["waybill"]["logisticsNo"], "PKG-1", inventory_of(p1).invt_no),
            (p2["waybill"]["logisticsNo"], "PKG-1", ""),
            (p3["waybill"]["logisticsNo"], "PKG-2", ""),
        ],
    )
    [receipt] = send(cast, "waybill_summary", entry)
    assert receipt.status == "accepted", receipt
    packages = dict(ListTransit.objects.values_list("inventory__logistics_no", "total_package_no"))
    assert packages == {
        p1["waybill"]["logisticsNo"]: "PKG-1",
        p2["waybill"]["logisticsNo"]: "PKG-1",
        p3["waybill"]["logisticsNo"]: "PKG-2",
    }
    assert set(ListTransit.objects.values_list("bill_no", flat=True)) == {"BILL2026001"}
    assert send(cast, "waybill_summary", entry)[0].status == "duplicate"


def test_a_waybill_summary_naming_a_list_not_released_or_a_wrong_number_groups_nothing(cast):
    [p1] = released_parcels(cast, 1)
    stored = parcel(cast, app_status="1")
    send_parcel(cast, stored, kinds=("inventory",))
    entry = b.waybill_summary_entry(
        logistics=cast.logistics,
        lines=[(p1["waybill"]["logisticsNo"], "PKG-1", ""), (stored["waybill"]["logisticsNo"], "PKG-1", "")],
    )
    [receipt] = send(cast, "waybill_summary", entry)
    assert receipt.status == "rejected"
    assert stored["waybill"]["logisticsNo"] in receipt.info
    wrong = b.waybill_summary_entry(
        logistics=cast.logistics, lines=[(p1["waybill"]["logisticsNo"], "PKG-1", "2244202600000000X")]
    )
    assert send(cast, "waybill_summary", wrong)[0].status == "rejected"
    assert not ListTransit.objects.exists()


def test_an_arrival_by_total_package_marks_every_list_of_the_package_arrived(cast):
    p1, p2, p3 = released_parcels(cast, 3)
    send(
        cast,
        "waybill_summary",
        b.waybill_summary_entry(
            logistics=cast.logistics,
            lines=[
                (p1["waybill"]["logisticsNo"], "PKG-1", ""),
                (p2["waybill"]["logisticsNo"], "PKG-1", ""),
                (p3["waybill"]["logisticsNo"], "PKG-2", ""),
            ],
        ),
    )
    entry = b.arrival_entry(logistics=cast.logistics, lines=[(p1["waybill"]["logisticsNo"], "PKG-1")])
    [receipt] = send(cast, "arrival", entry)
    assert receipt.status == "accepted"
    assert "2 parcels arrived" in receipt.info
    arrived = set(
        ListTransit.objects.filter(arrived_at__isnull=False).values_list("inventory__logistics_no", flat=True)
    )
    assert arrived == {p1["waybill"]["logisticsNo"], p2["waybill"]["logisticsNo"]}
    assert send(cast, "arrival", entry)[0].status == "duplicate"
    changed = dict(entry, guid=b.guid(), note="other content")
    assert send(cast, "arrival", changed)[0].status == "rejected"


def test_an_arrival_by_waybill_without_a_package(cast):
    [p1] = released_parcels(cast, 1)
    [receipt] = send(
        cast, "arrival", b.arrival_entry(logistics=cast.logistics, lines=[(p1["waybill"]["logisticsNo"], "")])
    )
    assert receipt.status == "accepted"
    transit = ListTransit.objects.get(inventory=inventory_of(p1))
    assert transit.arrived_at is not None and transit.total_package_no == ""


def test_a_departure_may_name_a_total_package(cast):
    p1, p2 = released_parcels(cast, 2)
    send(
        cast,
        "waybill_summary",
        b.waybill_summary_entry(
            logistics=cast.logistics,
            lines=[(p1["waybill"]["logisticsNo"], "PKG-9", ""), (p2["waybill"]["logisticsNo"], "PKG-9", "")],
        ),
    )
    entry = b.departure_by_package_entry(
        logistics=cast.logistics, packages=[("PKG-9", p2["waybill"]["logisticsNo"])]
    )
    [receipt] = send(cast, "departure", entry)
    assert receipt.status == "accepted", receipt
    assert {inventory_of(p).status for p in (p1, p2)} == {"departed"}


def test_where_exit_customs_requires_arrival_only_arrived_lists_depart(cast):
    ArrivalRequiredCustoms.objects.create(customs_code="2244", name="Test customs")
    p1, p2 = released_parcels(cast, 2)
    departure = b.departure_entry(
        logistics=cast.logistics, logistics_nos=[p1["waybill"]["logisticsNo"], p2["waybill"]["logisticsNo"]]
    )
    [refused] = send(cast, "departure", departure)
    assert refused.status == "rejected"
    assert "requires arrival" in refused.info and p1["waybill"]["logisticsNo"] in refused.info
    assert {inventory_of(p).status for p in (p1, p2)} == {"released"}

    send(
        cast,
        "arrival",
        b.arrival_entry(
            logistics=cast.logistics,
            lines=[(p1["waybill"]["logisticsNo"], ""), (p2["waybill"]["logisticsNo"], "")],
        ),
    )
    again = dict(departure, guid=b.guid(), copNo=departure["copNo"] + "B")
    assert send(cast, "departure", again)[0].status == "accepted"
    assert {inventory_of(p).status for p in (p1, p2)} == {"departed"}


def test_exit_customs_not_listed_do_not_require_arrival(cast):
    ArrivalRequiredCustoms.objects.create(customs_code="5300", name="Elsewhere")
    [p1] = released_parcels(cast, 1)
    departure = b.departure_entry(logistics=cast.logistics, logistics_nos=[p1["waybill"]["logisticsNo"]])
    assert send(cast, "departure", departure)[0].status == "accepted"


def test_another_logistics_enterprise_cannot_group_arrive_or_depart_the_lists(cast, enterprise_factory):
    [p1] = released_parcels(cast, 1)
    number = p1["waybill"]["logisticsNo"]
    send(
        cast,
        "waybill_summary",
        b.waybill_summary_entry(logistics=cast.logistics, lines=[(number, "PKG-1", "")]),
    )
    stranger = enterprise_factory(roles=("logistics",))
    unknown = "LN-NOBODY-HOLDS"
    for kind, build in (
        (
            "waybill_summary",
            lambda n: b.waybill_summary_entry(logistics=stranger, lines=[(n, "PKG-X", "")], cop_no="S1"),
        ),
        ("arrival", lambda n: b.arrival_entry(logistics=stranger, lines=[(n, "")], cop_no="A1")),
        ("arrival", lambda n: b.arrival_entry(logistics=stranger, lines=[(n, "PKG-1")], cop_no="A2")),
        ("departure", lambda n: b.departure_entry(logistics=stranger, logistics_nos=[n], cop_no="D1")),
        (
            "departure",
            lambda n: b.departure_by_package_entry(logistics=stranger, packages=[("PKG-1", n)], cop_no="D2"),
        ),
    ):
        [attack] = send(cast, kind, build(number), sender=stranger)
        [control] = send(cast, kind, build(unknown), sender=stranger)
        assert attack.status == control.status == "rejected"
        assert attack.info == control.info.replace(unknown, number)
    transit = ListTransit.objects.get(inventory=inventory_of(p1))
    assert transit.total_package_no == "PKG-1" and transit.arrived_at is None
    assert inventory_of(p1).status == "released"


def test_a_batch_of_reports_is_written_together_and_a_resend_inside_it_is_a_duplicate(cast):
    p1, p2 = released_parcels(cast, 2)
    n1, n2 = p1["waybill"]["logisticsNo"], p2["waybill"]["logisticsNo"]
    first = b.waybill_summary_entry(logistics=cast.logistics, lines=[(n1, "PKG-1", ""), (n2, "PKG-1", "")])
    regroup = b.waybill_summary_entry(logistics=cast.logistics, lines=[(n2, "PKG-2", "")], bill_no="BILL2")
    statuses = [r.status for r in send(cast, "waybill_summary", first, dict(first, guid=b.guid()), regroup)]
    assert statuses == ["accepted", "duplicate", "accepted"]
    assert dict(ListTransit.objects.values_list("inventory__logistics_no", "total_package_no")) == {
        n1: "PKG-1",
        n2: "PKG-2",  # the newest grouping applies
    }
    early = b.arrival_entry(logistics=cast.logistics, lines=[(n1, "")], app_time="20260106060000")
    late = b.arrival_entry(logistics=cast.logistics, lines=[(n1, ""), (n2, "")], app_time="20260106070000")
    assert [r.status for r in send(cast, "arrival", early, late)] == ["accepted", "accepted"]
    arrived = {
        number: when.strftime("%H:%M")
        for number, when in ListTransit.objects.values_list("inventory__logistics_no", "arrived_at")
    }
    assert arrived == {n1: "22:00", n2: "23:00"}  # UTC of 06:00 and 07:00 Beijing time: the first counts
