"""Declaration lists through the real intake services: comparison, duplicates, changes, trigger."""

import datetime as dt
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from customs_portal import texts
from declarations.intake import intake_entries
from declarations.models import (
    IntakeRejection,
    Inventory,
    InventoryLine,
    Order,
    Payment,
    Waybill,
)

from . import ceb_builders as b
from .parcels import make_cast, parcel, register_goods

pytestmark = pytest.mark.usefixtures("no_random_inspection")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


PASSED = ("released", "under_review")  # the comparison passed; the channel is channels' business


@pytest.fixture
def cast(enterprise_factory):
    cast = make_cast(enterprise_factory, pilot_zone=True)
    register_goods(cast.ebc)
    return cast


SENDER = {"order": "platform", "payment": "payment", "waybill": "logistics", "inventory": "ebc"}


def send(cast, kind, *entries, sender=None):
    sender = sender or getattr(cast, SENDER.get(kind, "ebc"))
    return intake_entries(kind=kind, entries=list(entries), sender=sender).receipts


def send_parcel(cast, p, kinds=("order", "payment", "waybill", "inventory")):
    return {kind: send(cast, kind, p[kind])[0] for kind in kinds}


def inventory_of(p) -> Inventory:
    return Inventory.objects.get(cop_no=p["inventory"]["copNo"])


# --- the happy path ------------------------------------------------------------------------------
def test_a_consistent_parcel_is_declared_numbered_and_released(cast):
    p = parcel(cast)
    receipts = send_parcel(cast, p)
    assert {r.status for r in receipts.values()} == {"accepted"}
    inv = inventory_of(p)
    assert inv.status == "released" and inv.channel == "green" and inv.app_status == "2"
    assert re.fullmatch(rf"2244{timezone.localdate().year}E\d{{9}}", inv.invt_no)
    assert receipts["inventory"].info == f"{inv.invt_no}: released"
    assert [(h.from_status, h.to_status) for h in inv.history.all()] == [
        ("stored", "declared"),
        ("declared", "released"),
    ]
    assert inv.lines.count() == 1 and inv.total_value == 100


def test_inventory_numbers_are_consecutive_per_customs_office(cast):
    parcels = [parcel(cast) for _ in range(3)]
    for p in parcels:
        send_parcel(cast, p, kinds=("order", "payment", "waybill"))
    send(cast, "inventory", *[p["inventory"] for p in parcels])
    serials = sorted(int(inventory_of(p).invt_no[-9:]) for p in parcels)
    assert serials == list(range(serials[0], serials[0] + 3))


def test_a_list_waits_for_a_missing_document_and_is_compared_when_it_arrives(cast):
    p = parcel(cast)
    send_parcel(cast, p, kinds=("order", "inventory"))
    inv = inventory_of(p)
    assert inv.status == "declared"  # waiting: no payment, no waybill yet
    send(cast, "payment", p["payment"])
    assert inventory_of(p).status == "declared"
    send(cast, "waybill", p["waybill"])
    assert inventory_of(p).status == "released"


def test_a_stored_list_is_not_compared_until_declared(cast):
    p = parcel(cast, app_status="1")
    send_parcel(cast, p)
    inv = inventory_of(p)
    assert inv.status == "stored" and inv.invt_no is None and inv.app_status == "1"


# --- each comparison rule ------------------------------------------------------------------------
def returned_reasons(cast, p, kinds=("order", "payment", "waybill", "inventory")):
    send_parcel(cast, p, kinds=kinds)
    inv = inventory_of(p)
    assert inv.status == "returned", inv.status
    # stored as message ids: read here in English
    return {r["field"]: texts.render(r["reason"], "en") for r in inv.return_reasons}


def test_lines_total_must_equal_the_orders_goods_value(cast):
    p = parcel(cast)
    p["order"]["goodsValue"] = "150"
    reasons = returned_reasons(cast, p)
    assert reasons["totalPrice"] == "the lines total 100.00 but the order's goods value is 150.00"


def test_the_payment_must_cover_goods_value_plus_freight_to_the_cent(cast):
    p = parcel(cast, charge="109.99")
    reasons = returned_reasons(cast, p)
    assert "does not cover goods value plus freight (110.00)" in reasons["charge"]


def test_the_payment_must_be_in_the_orders_currency(cast):
    p = parcel(cast)
    p["payment"]["currency"] = "502"
    assert "currency" in returned_reasons(cast, p)


def test_the_lines_must_be_in_the_orders_currency(cast):
    p = parcel(cast)
    p["inventory"]["lines"][0]["currency"] = "502"
    assert "lines[1].currency" in returned_reasons(cast, p)


def test_the_parties_must_agree_across_the_documents(cast, enterprise_factory):
    other_ebc = enterprise_factory(roles=("ecommerce",))
    p = parcel(cast)
    p["payment"]["ebcCode"] = other_ebc.customs_code
    reasons = returned_reasons(cast, p)
    # returned, saying which document disagrees, but never naming the other enterprise
    assert "payment receipt" in reasons["ebcCode"] and cast.ebc.customs_code in reasons["ebcCode"]
    assert other_ebc.customs_code not in reasons["ebcCode"]


@pytest.mark.parametrize("document", ["order", "payment", "waybill"])
def test_each_document_must_name_the_lists_e_commerce_enterprise(cast, enterprise_factory, document):
    other_ebc = enterprise_factory(roles=("ecommerce",))
    p = parcel(cast)
    p[document]["ebcCode"] = other_ebc.customs_code
    reasons = returned_reasons(cast, p)
    assert set(reasons) == {"ebcCode"} and cast.ebc.customs_code in reasons["ebcCode"]
    assert other_ebc.customs_code not in reasons["ebcCode"]


def test_summary_statistics_in_a_foreign_currency_use_the_months_exchange_rate(cast):
    from declarations.channels.services import exchange_rate_set

    usd = [{"itemNo": "SKU-1", "gcode": "8518220000", "qty": 1, "price": "700", "totalPrice": "700"}]

    def usd_parcel():
        p = parcel(cast, statistics_flag="A", lines=usd, currency="502")
        p["order"] = b.order_entry(ebp=cast.platform, ebc=cast.ebc, order_no=p["order"]["orderNo"], lines=usd,
                                   currency="502")  # fmt: skip
        p["payment"]["currency"] = "502"
        return p

    p = usd_parcel()
    assert "no exchange rate" in returned_reasons(cast, p)["statisticsFlag"]
    exchange_rate_set(currency="502", month=timezone.localdate(), rate="7.2")  # 700 USD = RMB 5,040
    assert "RMB 5040.00" in returned_reasons(cast, usd_parcel())["statisticsFlag"]
    exchange_rate_set(currency="502", month=timezone.localdate(), rate="7.1")  # RMB 4,970
    p = usd_parcel()
    send_parcel(cast, p)
    assert inventory_of(p).status in PASSED


def test_goods_must_be_registered(cast):
    p = parcel(
        cast, lines=[{"itemNo": "NOPE", "gcode": "8518220000", "qty": 1, "price": 100, "totalPrice": 100}]
    )
    assert returned_reasons(cast, p)["lines[1].itemNo"] == "goods NOPE are not in the goods register"


def test_goods_must_be_approved(cast):
    register_goods(cast.ebc, item_no="SKU-P", status="pending")
    p = parcel(
        cast, lines=[{"itemNo": "SKU-P", "gcode": "8518220000", "qty": 1, "price": 100, "totalPrice": 100}]
    )
    assert "not approved" in returned_reasons(cast, p)["lines[1].itemNo"]


def test_goods_must_carry_the_registered_commodity_code(cast):
    p = parcel(
        cast, lines=[{"itemNo": "SKU-1", "gcode": "8518290000", "qty": 1, "price": 100, "totalPrice": 100}]
    )
    reason = returned_reasons(cast, p)["lines[1].gcode"]
    assert reason == "commodity code 8518290000 differs from the registered 8518220000"


def test_summary_statistics_need_a_pilot_zone(enterprise_factory):
    cast = make_cast(enterprise_factory, pilot_zone=False)
    register_goods(cast.ebc)
    p = parcel(cast, statistics_flag="A")
    assert "pilot zone" in returned_reasons(cast, p)["statisticsFlag"]


def test_summary_statistics_allow_at_most_5000_yuan(cast):
    register_goods(cast.ebc, item_no="SKU-BIG")
    big = [
        {"itemNo": "SKU-BIG", "gcode": "8518220000", "qty": 1, "price": "5000.01", "totalPrice": "5000.01"}
    ]
    assert (
        "at most RMB 5,000"
        in returned_reasons(cast, parcel(cast, statistics_flag="A", lines=big))["statisticsFlag"]
    )
    exact = [{"itemNo": "SKU-BIG", "gcode": "8518220000", "qty": 1, "price": "5000", "totalPrice": "5000"}]
    p = parcel(cast, statistics_flag="A", lines=exact)
    send_parcel(cast, p)
    assert inventory_of(p).status == "released"


@pytest.mark.parametrize("flag", ["licence", "export_duty", "export_rebate"])
def test_summary_statistics_refuse_goods_under_licence_duty_or_rebate(cast, flag):
    register_goods(cast.ebc, item_no="SKU-F", **{flag: True})
    lines = [{"itemNo": "SKU-F", "gcode": "8518220000", "qty": 1, "price": 100, "totalPrice": 100}]
    assert (
        "summary statistics (A)"
        in returned_reasons(cast, parcel(cast, statistics_flag="A", lines=lines))["lines[1].itemNo"]
    )
    p = parcel(cast, statistics_flag="B", lines=lines)  # a summary declaration (B) may carry them
    send_parcel(cast, p)
    assert inventory_of(p).status in PASSED


def test_a_returned_list_carries_every_reason(cast):
    p = parcel(
        cast,
        charge="1",
        lines=[{"itemNo": "NOPE", "gcode": "8518220000", "qty": 1, "price": 100, "totalPrice": 100}],
    )
    p["order"]["goodsValue"] = "90"
    reasons = returned_reasons(cast, p)
    assert {"totalPrice", "charge", "lines[1].itemNo"} <= set(reasons)


def test_a_second_list_for_an_already_released_order_is_returned(cast):
    p = parcel(cast)
    send_parcel(cast, p)
    second = b.inventory_entry(
        ebp=cast.platform, ebc=cast.ebc, agent=cast.ebc, owner=cast.ebc, logistics=cast.logistics,
        order_no=p["order"]["orderNo"], logistics_no=p["waybill"]["logisticsNo"],
    )  # fmt: skip
    send(cast, "inventory", second)
    inv = Inventory.objects.get(cop_no=second["copNo"])
    assert inv.status == "returned" and "already declared" in texts.render(
        inv.return_reasons[0]["reason"], "en"
    )


def test_a_corrected_list_is_released_after_a_returned_one(cast):
    p = parcel(
        cast, lines=[{"itemNo": "SKU-1", "gcode": "8518290000", "qty": 2, "price": 50, "totalPrice": 100}]
    )
    returned_reasons(cast, p)
    fixed = dict(p["inventory"], guid=b.guid(), copNo=p["inventory"]["copNo"] + "-2")
    fixed["lines"] = [dict(fixed["lines"][0], gcode="8518220000")]
    [receipt] = send(cast, "inventory", fixed)
    assert receipt.status == "accepted"
    assert Inventory.objects.get(cop_no=fixed["copNo"]).status == "released"


# --- parties ------------------------------------------------------------------------------------
def test_an_unknown_party_code_is_rejected_with_2001_and_logged(cast):
    p = parcel(cast)
    p["inventory"]["ownerCode"] = "9999999999"
    [receipt] = send(cast, "inventory", p["inventory"])
    assert receipt.status == "rejected" and receipt.info.startswith("2001: ownerCode 9999999999")
    assert not Inventory.objects.exists()
    rejection = IntakeRejection.objects.get()
    assert rejection.sender == cast.ebc and rejection.key == p["inventory"]["copNo"]


def test_a_refused_message_sent_twice_is_logged_once(cast):
    p = parcel(cast)
    p["order"]["ebcCode"] = "9999999999"
    send(cast, "order", p["order"])
    [receipt] = send(cast, "order", p["order"])
    assert receipt.status == "rejected"
    assert IntakeRejection.objects.filter(key=p["order"]["orderNo"]).count() == 1


def test_a_party_without_the_role_is_rejected(cast):
    p = parcel(cast)
    p["order"]["ebpCode"] = cast.logistics.customs_code  # not a platform
    [receipt] = send(cast, "order", p["order"], sender=cast.ebc)
    assert receipt.status == "rejected" and receipt.info.startswith("4001: ebpCode")


def test_a_broker_needs_a_valid_export_authorization_on_the_declaration_day(cast, authorization_factory):
    p = parcel(cast, agent=cast.broker)
    send_parcel(cast, p, kinds=("order", "payment", "waybill"))
    [receipt] = send(cast, "inventory", p["inventory"], sender=cast.broker)
    assert receipt.status == "rejected" and receipt.info.startswith("4002: ")
    today = timezone.localdate()
    authorization_factory(
        cast.ebc, cast.broker, scope="import", valid_from=today, valid_to=today + dt.timedelta(1)
    )
    authorization_factory(
        cast.ebc,
        cast.broker,
        scope="export",
        valid_from=today - dt.timedelta(9),
        valid_to=today - dt.timedelta(1),
    )
    assert send(cast, "inventory", p["inventory"], sender=cast.broker)[0].status == "rejected"
    authorization_factory(
        cast.ebc, cast.broker, scope="both", valid_from=today, valid_to=today + dt.timedelta(1)
    )
    [receipt] = send(cast, "inventory", p["inventory"], sender=cast.broker)
    assert receipt.status == "accepted"
    assert inventory_of(p).status == "released"


# --- duplicates, changes, deletion ----------------------------------------------------------------
def test_the_same_messages_twice_change_nothing_and_answer_duplicate(cast):
    p = parcel(cast)
    send_parcel(cast, p)
    counts = (
        Order.objects.count(),
        Payment.objects.count(),
        Waybill.objects.count(),
        Inventory.objects.count(),
    )
    history = inventory_of(p).history.count()
    again = send_parcel(cast, p)
    assert {r.status for r in again.values()} == {"duplicate"}
    assert (
        again["inventory"].guid == p["inventory"]["guid"]
        and again["inventory"].key == p["inventory"]["copNo"]
    )
    assert counts == (
        Order.objects.count(),
        Payment.objects.count(),
        Waybill.objects.count(),
        Inventory.objects.count(),
    )
    assert inventory_of(p).history.count() == history


def test_the_same_entry_twice_in_one_batch_is_accepted_once(cast):
    p = parcel(cast)
    receipts = send(cast, "order", p["order"], p["order"])
    assert [r.status for r in receipts] == ["accepted", "duplicate"]
    assert Order.objects.count() == 1


def test_a_new_entry_reusing_a_key_is_rejected(cast):
    p = parcel(cast)
    send(cast, "order", p["order"])
    [receipt] = send(cast, "order", dict(p["order"], guid=b.guid(), goodsValue="1"))
    assert receipt.status == "rejected" and receipt.info.startswith("4004: ")
    assert Order.objects.get().goods_value == 100


def test_a_stored_list_can_be_changed_then_declared(cast):
    p = parcel(cast, app_status="1")
    send_parcel(cast, p)
    change = dict(p["inventory"], guid=b.guid(), appType="2", appStatus="2")
    [receipt] = send(cast, "inventory", change)
    assert receipt.status == "accepted"
    inv = inventory_of(p)
    assert inv.status == "released" and inv.guid == change["guid"] and Inventory.objects.count() == 1


def test_a_stored_list_can_be_deleted(cast):
    p = parcel(cast, app_status="1")
    send(cast, "inventory", p["inventory"])
    [receipt] = send(cast, "inventory", dict(p["inventory"], guid=b.guid(), appType="3"))
    assert receipt.status == "accepted" and not Inventory.objects.exists()


@pytest.mark.parametrize("app_type", ["2", "3"])
def test_a_declared_list_is_never_changed_or_deleted_by_a_message(cast, app_type):
    p = parcel(cast)
    send_parcel(cast, p)
    change = dict(p["inventory"], guid=b.guid(), appType=app_type, grossWeight="99")
    [receipt] = send(cast, "inventory", change)
    assert receipt.status == "rejected" and receipt.info.startswith("4005: ") and "CEB605" in receipt.info
    inv = inventory_of(p)
    assert inv.gross_weight == 1.5 and inv.guid == p["inventory"]["guid"]


def test_a_list_declared_earlier_in_the_same_batch_cannot_be_changed_by_a_later_entry(cast):
    p = parcel(cast)
    change = dict(p["inventory"], guid=b.guid(), appType="2", grossWeight="99")
    receipts = send(cast, "inventory", p["inventory"], change)
    assert [r.status for r in receipts] == ["accepted", "rejected"]
    assert inventory_of(p).gross_weight == 1.5


def test_an_order_a_declared_list_relies_on_cannot_change(cast):
    p = parcel(cast)
    send_parcel(cast, p)
    [receipt] = send(cast, "order", dict(p["order"], guid=b.guid(), appType="2", note="changed"))
    assert receipt.status == "rejected" and receipt.info.startswith("4008: ")
    assert inventory_of(p).invt_no in receipt.info  # the sender's own list is named


def test_an_order_can_be_changed_before_its_list_is_declared(cast):
    p = parcel(cast)
    send(cast, "order", dict(p["order"], goodsValue="90"))
    [receipt] = send(cast, "order", dict(p["order"], guid=b.guid(), appType="2"))
    assert receipt.status == "accepted" and Order.objects.get().goods_value == 100
    send_parcel(cast, p, kinds=("payment", "waybill", "inventory"))
    assert inventory_of(p).status == "released"


def test_changing_what_was_never_sent_is_rejected(cast):
    [receipt] = send(cast, "waybill", dict(parcel(cast)["waybill"], appType="2"))
    assert receipt.status == "rejected" and receipt.info.startswith("4005: ")


# --- the trigger ---------------------------------------------------------------------------------
def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.postgres  # a PostgreSQL trigger
def test_the_database_refuses_to_change_or_delete_a_declared_list(cast):
    p = parcel(cast)
    send_parcel(cast, p)
    inv = inventory_of(p)
    with pytest.raises(IntegrityError, match="may not be modified"):
        _raw("UPDATE declarations_inventory SET order_no = 'X' WHERE id = %s", [inv.pk])
    with pytest.raises(IntegrityError, match="may not be modified"):
        _raw("UPDATE declarations_inventory SET freight = 0 WHERE id = %s", [inv.pk])
    with pytest.raises(IntegrityError, match="may not be deleted"):
        _raw("DELETE FROM declarations_inventory WHERE id = %s", [inv.pk])
    with pytest.raises(IntegrityError, match="lines of a declared inventory"):
        _raw("UPDATE declarations_inventoryline SET total_price = 1 WHERE inventory_id = %s", [inv.pk])
    with pytest.raises(IntegrityError, match="lines of a declared inventory"):
        _raw("DELETE FROM declarations_inventoryline WHERE inventory_id = %s", [inv.pk])
    # nor can a line be added to it, even alongside lines of other lists in one statement
    stored = parcel(cast, app_status="1")
    send(cast, "inventory", stored["inventory"])
    add_lines = """
        CREATE TEMP TABLE extra_lines ON COMMIT DROP AS
            SELECT * FROM declarations_inventoryline WHERE inventory_id IN (%s, %s);
        UPDATE extra_lines
           SET id = nextval(pg_get_serial_sequence('declarations_inventoryline', 'id')), gnum = gnum + 100;
        INSERT INTO declarations_inventoryline SELECT * FROM extra_lines;
    """
    with pytest.raises(IntegrityError, match="lines of a declared inventory"):
        _raw(add_lines, [inventory_of(stored).pk, inv.pk])
    _raw(add_lines, [inventory_of(stored).pk, inventory_of(stored).pk])  # a stored list's lines may change
    # status fields still move
    _raw("UPDATE declarations_inventory SET channel = 'red', status = 'under_review' WHERE id = %s", [inv.pk])
    assert inventory_of(p).channel == "red"
    assert InventoryLine.objects.filter(inventory=inv).count() == 1


def test_the_database_lets_a_stored_list_change(cast):
    p = parcel(cast, app_status="1")
    send(cast, "inventory", p["inventory"])
    inv = inventory_of(p)
    _raw("UPDATE declarations_inventory SET order_no = 'X' WHERE id = %s", [inv.pk])
    for table in ("inventoryline", "inventoryhistory"):
        _raw(f"DELETE FROM declarations_{table} WHERE inventory_id = %s", [inv.pk])  # noqa: S608
    _raw("DELETE FROM declarations_inventory WHERE id = %s", [inv.pk])
    assert not Inventory.objects.exists()


# --- bulk ----------------------------------------------------------------------------------------
@pytest.mark.postgres  # the COPY and VALUES statements of the PostgreSQL path
def test_a_batch_costs_the_same_number_of_queries_whatever_its_size(cast, django_assert_max_num_queries):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    def cost(n):
        parcels = [
            parcel(
                cast,
                lines=[{"itemNo": "SKU-1", "gcode": "8518220000", "qty": 1, "price": 20, "totalPrice": 20}]
                * 3,
            )
            for _ in range(n)
        ]
        with CaptureQueriesContext(conn) as ctx:
            send(cast, "order", *[p["order"] for p in parcels])
            send(cast, "inventory", *[p["inventory"] for p in parcels])  # waiting: no payment yet
        return len(ctx.captured_queries)

    assert cost(3) == cost(30)


# --- departure and cancellation ------------------------------------------------------------------
def test_departure_marks_released_lists_departed_with_the_leave_time(cast):
    p1, p2 = parcel(cast), parcel(cast)
    send_parcel(cast, p1)
    send_parcel(cast, p2)
    entry = b.departure_entry(
        logistics=cast.logistics, logistics_nos=[p1["waybill"]["logisticsNo"], p2["waybill"]["logisticsNo"]],
        leave_time="20260106080000",
    )  # fmt: skip
    [receipt] = send(cast, "departure", entry, sender=cast.logistics)
    assert receipt.status == "accepted"
    for p in (p1, p2):
        inv = inventory_of(p)
        assert inv.status == "departed"
        assert timezone.localtime(inv.departed_at).replace(tzinfo=None) == dt.datetime(2026, 1, 6, 8, 0)
    assert send(cast, "departure", entry, sender=cast.logistics)[0].status == "duplicate"


def test_a_departure_naming_a_parcel_not_released_departs_nothing(cast):
    released, waiting = parcel(cast), parcel(cast)
    send_parcel(cast, released)
    send_parcel(cast, waiting, kinds=("inventory",))
    entry = b.departure_entry(
        logistics=cast.logistics,
        logistics_nos=[released["waybill"]["logisticsNo"], waiting["waybill"]["logisticsNo"]],
    )
    [receipt] = send(cast, "departure", entry, sender=cast.logistics)
    assert receipt.status == "rejected" and waiting["waybill"]["logisticsNo"] in receipt.info
    assert inventory_of(released).status == "released"


def test_a_cancellation_waits_for_a_reviewer_who_decides_it(cast, reviewer):
    from declarations.models import InventoryCancelRequest
    from declarations.services import inventory_cancel_decide

    p = parcel(cast)
    send_parcel(cast, p)
    inv = inventory_of(p)
    entry = b.cancel_entry(agent=cast.ebc, ebc=cast.ebc, cop_no=inv.cop_no, invt_no=inv.invt_no)
    [receipt] = send(cast, "cancel", entry)
    assert receipt.status == "accepted"
    assert inventory_of(p).status == "released"
    assert send(cast, "cancel", entry)[0].status == "duplicate"
    # the same request under a new guid (a resend) changes nothing; another one waits its turn
    assert send(cast, "cancel", dict(entry, guid=b.guid()))[0].status == "duplicate"
    assert send(cast, "cancel", dict(entry, guid=b.guid(), reason="another reason"))[0].status == "rejected"
    request = InventoryCancelRequest.objects.get()
    inventory_cancel_decide(request=request, actor=reviewer, approve=True)
    assert inventory_of(p).status == "cancelled"
    assert inventory_of(p).history.last().actor == reviewer


def test_a_refused_cancellation_needs_a_reason_and_leaves_the_list(cast, reviewer):
    from customs_portal.errors import ApplicationError
    from declarations.models import InventoryCancelRequest
    from declarations.services import inventory_cancel_decide

    p = parcel(cast)
    send_parcel(cast, p)
    inv = inventory_of(p)
    send(cast, "cancel", b.cancel_entry(agent=cast.ebc, ebc=cast.ebc, cop_no=inv.cop_no, invt_no=inv.invt_no))
    request = InventoryCancelRequest.objects.get()
    with pytest.raises(ApplicationError):
        inventory_cancel_decide(request=request, actor=reviewer, approve=False, reason="")
    inventory_cancel_decide(request=request, actor=reviewer, approve=False, reason="already loaded")
    request.refresh_from_db()
    assert request.status == "refused" and inventory_of(p).status == "released"


def test_a_departed_or_unknown_list_cannot_be_cancelled(cast):
    p = parcel(cast)
    send_parcel(cast, p)
    send(
        cast,
        "departure",
        b.departure_entry(logistics=cast.logistics, logistics_nos=[p["waybill"]["logisticsNo"]]),
        sender=cast.logistics,
    )
    inv = inventory_of(p)
    [receipt] = send(
        cast, "cancel", b.cancel_entry(agent=cast.ebc, ebc=cast.ebc, cop_no=inv.cop_no, invt_no=inv.invt_no)
    )
    assert receipt.status == "rejected" and "can no longer be cancelled" in receipt.info
    [receipt] = send(
        cast,
        "cancel",
        b.cancel_entry(agent=cast.ebc, ebc=cast.ebc, cop_no="NOPE", invt_no="22442026E000000999"),
    )
    assert receipt.status == "rejected" and receipt.info.startswith("4006: ")


# --- ingest_messages with the real services ------------------------------------------------------
def test_ingest_messages_feeds_the_same_services(cast, tmp_path, capsys):
    from django.core.management import call_command

    p = parcel(cast)
    for kind in ("order", "payment", "waybill", "inventory"):
        (tmp_path / f"{kind}.xml").write_bytes(b.message(kind, [p[kind]]))
    for name in ("order", "payment", "waybill", "inventory"):  # in the business order
        call_command("ingest_messages", str(tmp_path / f"{name}.xml"))
    out = capsys.readouterr().out
    assert out.count(": 1 accepted, 0 duplicate, 0 rejected") == 4
    assert inventory_of(p).status in PASSED
    call_command("ingest_messages", str(tmp_path))
    assert capsys.readouterr().out.count(": 0 accepted, 1 duplicate, 0 rejected") == 4
