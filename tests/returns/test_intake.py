"""CEB213 returns: the rules at intake, XML and JSON, receipts, tenants, resends."""

from decimal import Decimal

import pytest
from lxml import etree

from declarations.ceb import get_schema
from declarations.exchange.ceb_returns import return_message
from declarations.exchange.models import Receipt
from declarations.intake import intake_entries
from declarations.models import IntakeRejection
from declarations.returns.models import InventoryReturn, ReturnStatus
from tests.declarations import ceb_builders as b
from tests.summaries.factories import listed

from .builders import refund_entry

pytestmark = pytest.mark.django_db


def receive(entry, sender):
    return intake_entries(kind="refund", entries=[entry], sender=sender).receipts[0]


def test_a_whole_return_of_a_departed_list_is_received_and_awaits_customs(shop, departed):
    receipt = receive(refund_entry(inventory=departed), shop)
    assert receipt.status == "accepted", receipt.info
    ret = InventoryReturn.objects.get()
    assert ret.status == ReturnStatus.PENDING
    assert ret.inventory == departed
    assert sorted((line.gnum, line.qty) for line in ret.lines.all()) == [(1, 2), (2, 4)]


def test_a_partial_return_names_only_some_lines(shop, departed):
    receipt = receive(refund_entry(inventory=departed, lines=[(2, "1.5")]), shop)
    assert receipt.status == "accepted", receipt.info
    assert [(line.gnum, line.qty) for line in InventoryReturn.objects.get().lines.all()] == [
        (2, Decimal("1.5"))
    ]


def test_more_than_the_original_quantity_is_refused(shop, departed):
    receipt = receive(refund_entry(inventory=departed, lines=[(1, "3")]), shop)
    assert receipt.status == "rejected"
    assert receipt.info.startswith("4010")
    assert "3 is more than the 2 left of the original 2" in receipt.info
    assert not InventoryReturn.objects.exists()
    assert IntakeRejection.objects.filter(kind="refund", sender=shop).count() == 1


def test_earlier_accepted_returns_count_against_the_original(shop, departed, reviewer):
    from declarations.returns.services import inventory_return_decide

    assert receive(refund_entry(inventory=departed, lines=[(1, "1.5")]), shop).status == "accepted"
    inventory_return_decide(inventory_return=InventoryReturn.objects.get(), actor=reviewer, accept=True)
    refused = receive(refund_entry(inventory=departed, lines=[(1, "1")]), shop)
    assert refused.status == "rejected"
    assert "1 is more than the 0.5 left of the original 2" in refused.info
    assert receive(refund_entry(inventory=departed, lines=[(1, "0.5")]), shop).status == "accepted"


def test_a_line_the_list_does_not_have_or_with_another_commodity_code_is_refused(shop, departed):
    entry = refund_entry(inventory=departed, lines=[(1, "1")])
    entry["lines"].append(dict(entry["lines"][0], gnum=7))
    entry["lines"][0]["gcode"] = "9999999999"
    receipt = receive(entry, shop)
    assert receipt.status == "rejected"
    assert "has no line 7" in receipt.info
    assert "lines[1].gcode: 9999999999 is not the original list's 8518220000" in receipt.info


def test_a_zero_quantity_and_a_line_returned_twice_are_refused(shop, departed):
    entry = refund_entry(inventory=departed, lines=[(1, "0"), (1, "1")])
    receipt = receive(entry, shop)
    assert "lines[1].qty: must be above zero" in receipt.info
    assert "line 1 is returned twice" in receipt.info


@pytest.mark.parametrize("status", ["declared", "under_review", "cancelled"])
def test_only_released_or_departed_lists_can_return(shop, status):
    inventory = listed(shop, status=status, released=None)
    receipt = receive(refund_entry(inventory=inventory), shop)
    assert receipt.status == "rejected"
    assert "only released or departed lists return" in receipt.info


def test_a_released_list_can_return(shop):
    inventory = listed(shop, status="released")
    assert receive(refund_entry(inventory=inventory), shop).status == "accepted"


@pytest.mark.parametrize(
    "field,value,text",
    [
        ("appType", "2", "cannot be changed"),
        ("appStatus", "1", "declared returns"),
        ("ieFlag", "E", "marked I"),
    ],
)
def test_fixed_values_of_the_head(shop, departed, field, value, text):
    receipt = receive(refund_entry(inventory=departed, **{field: value}), shop)
    assert receipt.status == "rejected"
    assert text in receipt.info


def test_one_return_of_a_list_awaits_customs_at_a_time(shop, departed):
    assert receive(refund_entry(inventory=departed, lines=[(1, "1")]), shop).status == "accepted"
    second = receive(refund_entry(inventory=departed, lines=[(2, "1")]), shop)
    assert second.status == "rejected"
    assert "already awaits customs' decision" in second.info


def test_the_same_return_sent_again_is_a_duplicate_and_changes_nothing(shop, departed):
    entry = refund_entry(inventory=departed, lines=[(1, "1")])
    assert receive(entry, shop).status == "accepted"
    again = dict(entry, guid=b.guid())  # resent under a new guid
    assert receive(again, shop).status == "duplicate"
    assert InventoryReturn.objects.count() == 1


def test_the_same_co_el_no_with_other_content_is_refused(shop, departed):
    entry = refund_entry(inventory=departed, lines=[(1, "1")])
    receive(entry, shop)
    other = refund_entry(inventory=departed, lines=[(1, "2")], co_el_no=entry["coElNo"])
    receipt = receive(other, shop)
    assert receipt.status == "rejected"
    assert receipt.info.startswith("4004")


def test_another_enterprises_list_is_answered_as_unknown(shop, departed, enterprise_factory):
    """A trader naming another's list by its number gets the same answer as for a number that
    does not exist: nothing tells it the list is there."""
    intruder = enterprise_factory(roles=("owner", "ecommerce"))
    entry = refund_entry(inventory=departed, agent=intruder, ebcCode=intruder.customs_code)
    foreign = receive(entry, intruder)
    unknown = receive(
        refund_entry(
            inventory=departed, agent=intruder, ebcCode=intruder.customs_code, invtNo="22442026S999999999"
        ),
        intruder,
    )
    assert foreign.status == unknown.status == "rejected"
    assert foreign.info.replace(departed.invt_no, "N") == unknown.info.replace("22442026S999999999", "N")
    assert not InventoryReturn.objects.exists()


def test_a_sender_who_is_not_the_ebc_nor_the_agent_is_refused_for_the_sender(
    shop, departed, enterprise_factory
):
    other = enterprise_factory(roles=("owner", "ecommerce"))
    result = intake_entries(kind="refund", entries=[refund_entry(inventory=departed)], sender=other)
    assert result.all_refused_for_sender
    assert result.receipts[0].info.startswith("4003")


def test_an_unauthorized_broker_may_not_report_the_return(shop, departed, enterprise_factory):
    broker = enterprise_factory(roles=("broker",))
    receipt = receive(refund_entry(inventory=departed, agent=broker), broker)
    assert receipt.status == "rejected"
    assert receipt.info.startswith("4002")


def test_an_authorized_broker_may_report_the_return(
    shop, departed, enterprise_factory, authorization_factory
):
    import datetime as dt

    broker = enterprise_factory(roles=("broker",))
    today = dt.date.today()
    authorization_factory(
        shop,
        broker,
        scope="export",
        valid_from=today - dt.timedelta(days=1),
        valid_to=today + dt.timedelta(days=30),
    )
    assert receive(refund_entry(inventory=departed, agent=broker), broker).status == "accepted"


# --- API ------------------------------------------------------------------------------------------
def post_xml(api, body):
    return api.generic("POST", "/api/v1/messages/", body, content_type="application/xml")


def test_xml_and_json_returns_are_received_alike(shop, departed, api_client_for):
    api = api_client_for(shop)
    other = listed(shop)
    xml = post_xml(api, b.message("refund", [refund_entry(inventory=departed)], cop_code=shop.customs_code))
    assert xml.status_code == 200, xml.content
    assert xml.json()[0]["status"] == "accepted"
    js = api.post("/api/v1/inventory-returns/", {"entries": [refund_entry(inventory=other)]}, format="json")
    assert js.status_code == 200, js.content
    assert js.json()[0]["status"] == "accepted"
    assert set(InventoryReturn.objects.values_list("inventory_id", flat=True)) == {departed.pk, other.pk}


def test_the_api_answers_403_when_the_key_speaks_for_nobody_in_the_entries(
    shop, departed, api_client_for, enterprise_factory
):
    api = api_client_for(enterprise_factory(roles=("ecommerce",)))
    response = api.post(
        "/api/v1/inventory-returns/", {"entries": [refund_entry(inventory=departed)]}, format="json"
    )
    assert response.status_code == 403
    assert not InventoryReturn.objects.exists()


def test_a_schema_invalid_json_return_is_refused_with_0002(shop, departed, api_client_for):
    entry = refund_entry(inventory=departed)
    entry["reason"] = "x" * 501
    response = api_client_for(shop).post("/api/v1/inventory-returns/", {"entries": [entry]}, format="json")
    assert response.json()[0]["info"].startswith("0002")


def test_the_ceb214_receipts_pass_the_schema(shop, departed, reviewer, api_client_for):
    from declarations.returns.services import inventory_return_decide

    api = api_client_for(shop)
    api.post("/api/v1/inventory-returns/", {"entries": [refund_entry(inventory=departed)]}, format="json")
    api.post(
        "/api/v1/inventory-returns/",
        {"entries": [refund_entry(inventory=departed, lines=[(1, "9")], ieFlag="E")]},
        format="json",
    )
    inventory_return_decide(inventory_return=InventoryReturn.objects.get(), actor=reviewer, accept=True)
    rows = list(Receipt.objects.filter(kind="refund", recipient=shop).order_by("pk"))
    assert [row.return_status for row in rows] == ["120", "100", "800"]
    xml = return_message("refund", rows)
    root = etree.fromstring(xml)
    assert get_schema().validate(root.getroottree()), get_schema().error_log
    assert root.tag.endswith("CEB214Message")
    polled = api.get("/api/v1/receipts/?kind=refund")
    assert polled.status_code == 200


def test_an_unauthorized_broker_gets_the_same_answer_whether_the_list_exists_or_not(
    shop, departed, enterprise_factory
):
    broker = enterprise_factory(roles=("broker",))
    real = receive(refund_entry(inventory=departed, agent=broker), broker)
    made_up = receive(refund_entry(inventory=departed, agent=broker, invtNo="22442026S999999999"), broker)
    assert real.info == made_up.info
    assert real.info.startswith("4002")
