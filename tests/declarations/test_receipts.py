"""CEB receipts: one per intake entry for its sender, one per later move of a list for the
list's sending parties; fetched with a cursor as JSON or as CEB return messages that pass the
schema; never another enterprise's."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone, translation
from lxml import etree

from declarations.ceb import get_schema
from declarations.exchange.ceb_returns import RETURN_MESSAGES, return_message
from declarations.exchange.models import Receipt
from declarations.exchange.services import LIST_RETURN_STATUS
from declarations.models import Inventory, InventoryCancelRequest

from . import ceb_builders as b
from .parcels import make_cast, parcel, register_goods

CEB = "{http://www.chinaport.gov.cn/ceb}"
SENDER = {"order": "platform", "payment": "payment", "waybill": "logistics", "inventory": "ebc"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_random_inspection(db):
    from declarations.channels.models import InspectionSetting

    InspectionSetting.objects.create(rate=0)


@pytest.fixture
def cast(enterprise_factory, authorization_factory):
    cast = make_cast(enterprise_factory, pilot_zone=True)
    register_goods(cast.ebc)
    today = timezone.localdate()
    authorization_factory(
        cast.ebc, cast.broker, scope="export", valid_from=today, valid_to=today + dt.timedelta(days=30)
    )
    return cast


@pytest.fixture
def clients(cast, api_client_for):
    return {
        role: api_client_for(getattr(cast, role))
        for role in ("platform", "payment", "logistics", "ebc", "broker")
    }


def post(clients, role, path, *entries):
    response = clients[role].post(f"/api/v1/{path}/", {"entries": list(entries)}, format="json")
    assert response.status_code in (200, 403), response.content
    return response.json()


def send_parcel(clients, p, *, agent="ebc"):
    post(clients, "platform", "orders", p["order"])
    post(clients, "payment", "payments", p["payment"])
    post(clients, "logistics", "waybills", p["waybill"])
    return post(clients, agent, "inventories", p["inventory"])


def receipts_of(client, **params):
    response = client.get("/api/v1/receipts/", params)
    assert response.status_code == 200, response.content
    return response.json()


def all_receipts(client, **params):
    return receipts_of(client, limit=1000, **params)["receipts"]


def valid(xml: bytes) -> etree._Element:
    tree = etree.fromstring(xml)
    schema = get_schema()
    assert schema.validate(tree), [e.message for e in schema.error_log]
    return tree


# --- the schema --------------------------------------------------------------------------------
RETURN_STATUSES = {
    "order": ["120", "-0002", "100"],
    "payment": ["120", "-0002", "100"],
    "waybill": ["120", "-0002", "100"],
    "inventory": sorted(set(LIST_RETURN_STATUS.values())) + ["-0002"],
    "cancel": ["120", "399", "100", "-0002"],
    "departure": ["120", "-0002", "100"],
    "waybill_summary": ["120", "-0002", "100"],
    "arrival": ["120", "-0002", "100"],
    "refund": ["120", "800", "100", "-0002"],
}
_ids = itertools.count(1)


def _receipt(kind, return_status, **fields) -> Receipt:
    receipt = Receipt(
        pk=next(_ids),
        position=1,
        recipient_id=1,
        kind=kind,
        guid=fields.pop("guid", b.guid()),
        key="K-1",
        status="accepted",
        return_status=return_status,
        return_info=fields.pop("info", "新增申报成功 accepted"),
        fields=fields,
    )
    receipt.created_at = timezone.now()
    return receipt


@pytest.mark.parametrize("kind", list(RETURN_MESSAGES))
def test_every_kind_and_return_status_is_a_return_message_that_passes_the_schema(kind):
    complete = {
        "ebpCode": "1105910159", "ebcCode": "1105910159", "orderNo": "ORD-1", "payNo": "PAY-1",
        "logisticsCode": "1105910159", "logisticsNo": "LN-1", "agentCode": "1105910159", "copNo": "COP-1",
        "preNo": "P20180507000000001", "invtNo": "22442026E000000001", "statisticsFlag": "A", "msgSeqNo": "1",
        "coElNo": "RET-1",
    }  # fmt: skip
    receipts = [_receipt(kind, status, **complete) for status in RETURN_STATUSES[kind]]
    # what a refused entry may leave: no or a short guid, nothing but garbage, overlong values,
    # characters XML cannot carry, a returnInfo of 1,000 characters
    receipts.append(_receipt(kind, "-0002", guid="short", info="x" * 1000))
    receipts.append(
        _receipt(
            kind, "100", guid="", info="bad\x01value", orderNo="O" * 200, copNo="C" * 99, preNo="1",
            statisticsFlag="AB", msgSeqNo="not a number", invtNo="1" * 30,
        )
    )  # fmt: skip
    tree = valid(return_message(kind, receipts))
    root, element = RETURN_MESSAGES[kind].root, RETURN_MESSAGES[kind].element
    assert tree.tag == CEB + root
    returns = tree.findall(CEB + element)
    assert [r.findtext(CEB + "returnStatus") for r in returns] == [r.return_status for r in receipts]
    assert all(len(r.findtext(CEB + "returnTime")) == 17 for r in returns)


def test_a_return_message_carries_at_most_the_schemas_hundred_returns():
    with pytest.raises(ValueError):
        return_message("order", [_receipt("order", "120") for _ in range(101)])
    valid(return_message("order", [_receipt("order", "120") for _ in range(100)]))


# --- the sender reads its receipts -------------------------------------------------------------
def test_the_sender_reads_one_receipt_per_entry_with_a_cursor_and_nobody_else_sees_them(
    cast, clients, enterprise_factory, api_client_for
):
    orders = [b.order_entry(ebp=cast.platform, ebc=cast.ebc) for _ in range(3)]
    refused = dict(b.order_entry(ebp=cast.platform, ebc=cast.ebc), orderNo="")  # fails the schema
    post(clients, "platform", "orders", *orders, refused)
    post(clients, "platform", "orders", orders[0])  # a resend: duplicate

    page = receipts_of(clients["platform"], limit=2)
    assert [r["key"] for r in page["receipts"]] == [orders[0]["orderNo"], orders[1]["orderNo"]]
    first = page["receipts"][0]
    assert first["message"] == "CEB304" and first["kind"] == "order"
    assert (first["guid"], first["status"], first["returnStatus"]) == (orders[0]["guid"], "accepted", "120")
    assert first["ebpCode"] == cast.platform.customs_code and len(first["returnTime"]) == 17
    rest = receipts_of(clients["platform"], after=page["next"])
    assert [(r["key"], r["status"], r["returnStatus"]) for r in rest["receipts"]] == [
        (orders[2]["orderNo"], "accepted", "120"),
        ("", "rejected", "-0002"),
        (orders[0]["orderNo"], "duplicate", "120"),
    ]
    # nothing new: the same cursor back
    assert receipts_of(clients["platform"], after=rest["next"]) == {"receipts": [], "next": rest["next"]}

    # the other parties of the orders, and a stranger, see none of them
    assert all_receipts(clients["ebc"]) == []
    assert all_receipts(api_client_for(enterprise_factory(roles=("platform",)))) == []


def test_receipts_as_ceb_xml_per_kind_pass_the_schema(cast, clients):
    p = parcel(cast)
    send_parcel(clients, p)
    bad_payment = dict(p["payment"], guid=b.guid(), charge="1")  # same order: a different payment
    post(clients, "payment", "payments", bad_payment)

    response = clients["payment"].get("/api/v1/receipts/", {"kind": "payment"}, HTTP_ACCEPT="application/xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    tree = valid(response.content)
    assert tree.tag == CEB + "CEB404Message"
    returns = tree.findall(CEB + "ReceiptsReturn")
    assert [r.findtext(CEB + "returnStatus") for r in returns] == ["120", "100"]
    assert returns[0].findtext(CEB + "guid") == p["payment"]["guid"]
    following = response["X-Portal-Next"]
    nothing = clients["payment"].get(
        "/api/v1/receipts/", {"kind": "payment", "after": following}, HTTP_ACCEPT="application/xml"
    )
    assert nothing.status_code == 204 and nothing["X-Portal-Next"] == following

    response = clients["ebc"].get("/api/v1/receipts/", {"kind": "inventory"}, HTTP_ACCEPT="application/xml")
    tree = valid(response.content)
    inventory = Inventory.objects.get(cop_no=p["inventory"]["copNo"])
    # the move (routed: released), then the intake answer, which says where the list stands
    assert [(r.findtext(CEB + "invtNo"), r.findtext(CEB + "returnStatus")) for r in tree] == [
        (inventory.invt_no, "800"),
        (inventory.invt_no, "800"),
    ]


def test_xml_needs_a_kind_and_a_malformed_cursor_is_refused(clients):
    response = clients["ebc"].get("/api/v1/receipts/", HTTP_ACCEPT="application/xml")
    assert response.status_code == 400 and response.json()["code"] == "kind_required"
    for params in ({"after": "nonsense"}, {"limit": 1001}, {"kind": "other"}):
        assert clients["ebc"].get("/api/v1/receipts/", params).status_code == 400


# --- later moves of a list ---------------------------------------------------------------------
def returns_for(client, cop_no):
    return [
        (r["message"], r["status"], r["returnStatus"])
        for r in all_receipts(client)
        if r["key"] == cop_no and r["kind"] in ("inventory", "cancel")
    ]


def test_a_released_list_tells_both_the_declaring_broker_and_the_ecommerce_enterprise(cast, clients):
    p = parcel(cast, agent=cast.broker)
    post(clients, "broker", "inventories", dict(p["inventory"], appStatus="1"))  # stored first
    declared = dict(p["inventory"], guid=b.guid(), appType="2")
    post(clients, "broker", "inventories", declared)  # declared: waits for its documents
    cop_no = p["inventory"]["copNo"]
    assert returns_for(clients["broker"], cop_no) == [
        ("CEB604", "accepted", "1"),
        ("CEB604", "accepted", "120"),
    ]
    assert returns_for(clients["ebc"], cop_no) == []

    post(clients, "platform", "orders", p["order"])
    post(clients, "payment", "payments", p["payment"])
    post(clients, "logistics", "waybills", p["waybill"])  # the last document: compared, released
    assert Inventory.objects.get(cop_no=cop_no).status == "released"
    assert returns_for(clients["broker"], cop_no)[-1] == ("CEB604", "released", "800")
    assert returns_for(clients["ebc"], cop_no) == [("CEB604", "released", "800")]
    # the platform and the logistics enterprise do not send lists: no list receipt for them
    assert returns_for(clients["platform"], cop_no) == returns_for(clients["logistics"], cop_no) == []


def test_a_returned_list_gets_a_receipt_with_its_reasons(cast, clients):
    p = parcel(cast)
    post(clients, "platform", "orders", p["order"])
    post(clients, "payment", "payments", dict(p["payment"], charge="1"))  # the comparison fails
    post(clients, "logistics", "waybills", p["waybill"])
    post(clients, "ebc", "inventories", p["inventory"])
    cop_no = p["inventory"]["copNo"]
    assert Inventory.objects.get(cop_no=cop_no).status == "returned"
    mine = [r for r in all_receipts(clients["ebc"]) if r["key"] == cop_no]
    # the move, then the intake answer (which says where the list stands: returned too)
    assert [(r["status"], r["returnStatus"]) for r in mine] == [("returned", "100"), ("accepted", "100")]
    assert "charge" in mine[0]["returnInfo"].lower() or "payment" in mine[0]["returnInfo"].lower()


def test_red_channel_review_and_the_officers_decisions_are_receipts(cast, clients, staff_factory):
    from declarations.channels.models import RiskRule
    from declarations.channels.services import red_list_reject, red_list_release

    RiskRule.objects.create(name="speakers", gcode_prefix="8518", reason="Speakers are checked")
    officer = staff_factory("risk_officer")
    first, second = parcel(cast), parcel(cast)
    send_parcel(clients, first)
    send_parcel(clients, second)
    for p in (first, second):
        assert returns_for(clients["ebc"], p["inventory"]["copNo"])[0] == ("CEB604", "under_review", "500")
    red_list_release(inventory=Inventory.objects.get(cop_no=first["inventory"]["copNo"]), actor=officer)
    red_list_reject(
        inventory=Inventory.objects.get(cop_no=second["inventory"]["copNo"]),
        actor=officer,
        reason="Mislabelled",
    )
    assert returns_for(clients["ebc"], first["inventory"]["copNo"])[-1] == ("CEB604", "released", "800")
    rejected = [r for r in all_receipts(clients["ebc"]) if r["key"] == second["inventory"]["copNo"]][-1]
    assert (rejected["status"], rejected["returnStatus"], rejected["returnInfo"]) == (
        "rejected",
        "100",
        "Mislabelled",
    )


def test_departure_and_cancellation_are_receipts(cast, clients, reviewer):
    from declarations.services import inventory_cancel_decide

    leaving, cancelled = parcel(cast), parcel(cast)
    send_parcel(clients, leaving)
    send_parcel(clients, cancelled)
    logistics_no = leaving["waybill"]["logisticsNo"]
    departure = b.departure_entry(logistics=cast.logistics, logistics_nos=[logistics_no])
    post(clients, "logistics", "departures", departure)
    assert returns_for(clients["ebc"], leaving["inventory"]["copNo"])[-1] == ("CEB604", "departed", "899")
    [departure_receipt] = [r for r in all_receipts(clients["logistics"]) if r["kind"] == "departure"]
    assert (departure_receipt["message"], departure_receipt["returnStatus"]) == ("CEB510", "120")

    inventory = Inventory.objects.get(cop_no=cancelled["inventory"]["copNo"])
    entry = b.cancel_entry(agent=cast.ebc, ebc=cast.ebc, cop_no=inventory.cop_no, invt_no=inventory.invt_no)
    post(clients, "ebc", "inventory-cancels", entry)
    inventory_cancel_decide(request=InventoryCancelRequest.objects.get(), actor=reviewer, approve=True)
    assert returns_for(clients["ebc"], inventory.cop_no)[-2:] == [
        ("CEB606", "accepted", "120"),
        ("CEB606", "approved", "399"),
    ]
    for kind in ("inventory", "cancel"):
        response = clients["ebc"].get("/api/v1/receipts/", {"kind": kind}, HTTP_ACCEPT="application/xml")
        valid(response.content)
    response = clients["logistics"].get(
        "/api/v1/receipts/", {"kind": "departure"}, HTTP_ACCEPT="application/xml"
    )
    valid(response.content)


# --- the cursor under concurrent writers -------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_receipt_committed_late_is_not_skipped_by_a_cursor_that_moved_on(
    enterprise_factory, api_client_for
):
    """Writer A takes its ids first but commits last; writer B commits in between. A reader
    polling meanwhile gets B's receipt, and then A's: its cursor never passed them by."""
    import threading

    from django.db import connection, transaction

    from declarations.exchange.services import _write

    ebc = enterprise_factory(roles=("ecommerce",))
    client = api_client_for(ebc)

    def receipt(key):
        return Receipt(recipient_id=ebc.pk, kind="order", guid=b.guid(), key=key, status="accepted",
                       return_status="120")  # fmt: skip

    written, release, errors = threading.Event(), threading.Event(), []

    def writer_a():
        try:
            with transaction.atomic():
                _write([receipt("A1"), receipt("A2")])
                written.set()
                release.wait(10)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
            written.set()
        finally:
            connection.close()

    thread = threading.Thread(target=writer_a)
    thread.start()
    try:
        assert written.wait(10)
        _write([receipt("B1")])  # committed at once, with higher ids than A's
        seen, cursor = [], 0
        page = receipts_of(client, after=cursor)  # A is still open: only B's receipt is there
        seen += [r["key"] for r in page["receipts"]]
        cursor = page["next"]
    finally:
        release.set()
        thread.join(10)
    assert not errors
    page = receipts_of(client, after=cursor)
    seen += [r["key"] for r in page["receipts"]]
    assert seen == ["B1", "A1", "A2"]
