"""Trader pages for declaration lists, the clearance error log, and platform polling."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from declarations.models import Inventory, InventoryStatus

from . import in_english
from .inventory_rows import make_inventory

# every test here reads the answers in English (fixtures shared by the intake tests)
_english = in_english._english
api_client_for = in_english.api_client_for


def test_a_trader_sees_the_lists_it_is_a_party_to_and_no_others(
    trader_client, enterprise, other_enterprise, enterprise_factory
):
    broker = enterprise_factory(roles=("broker",))
    mine_as_ebc = make_inventory(ebc=enterprise, agent=broker)
    mine_as_owner = make_inventory(ebc=other_enterprise, owner=enterprise)
    mine_as_ebp = make_inventory(ebc=other_enterprise, ebp=enterprise)
    theirs = make_inventory(ebc=other_enterprise, agent=broker)
    only_logistics = make_inventory(ebc=other_enterprise, logistics=enterprise)
    page = trader_client.get(reverse("declarations:inventory_list")).content.decode()
    for inv in (mine_as_ebc, mine_as_owner, mine_as_ebp):
        assert str(inv) in page
    assert str(theirs) not in page and str(only_logistics) not in page


def test_the_broker_sees_the_lists_it_declared(client, trader_factory, enterprise, enterprise_factory):
    broker = enterprise_factory(roles=("broker",))
    inv = make_inventory(ebc=enterprise, agent=broker)
    client.force_login(trader_factory(broker))
    assert str(inv) in client.get(reverse("declarations:inventory_list")).content.decode()
    assert client.get(reverse("declarations:inventory_detail", args=[inv.pk])).status_code == 200


def test_lists_filter_by_status_and_date(trader_client, enterprise):
    released = make_inventory(ebc=enterprise, status="released")
    stored = make_inventory(ebc=enterprise)
    old = make_inventory(ebc=enterprise, status="released")
    Inventory.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=40))
    url = reverse("declarations:inventory_list")
    page = trader_client.get(url, {"status": "released"}).content.decode()
    assert str(released) in page and str(old) in page and str(stored) not in page
    since = (timezone.localdate() - timedelta(days=5)).isoformat()
    page = trader_client.get(url, {"status": "released", "date_from": since}).content.decode()
    assert str(released) in page and str(old) not in page


def test_lists_are_paginated(trader_client, enterprise):
    for _ in range(27):
        make_inventory(ebc=enterprise, lines=1)
    url = reverse("declarations:inventory_list")
    response = trader_client.get(url)
    first = response.context["page_obj"]
    assert len(first.object_list) == 25 and first.has_next and not first.has_previous
    # the older page, through the page's own link: the last 2 lists, and nothing after them
    second = trader_client.get(f"{url}?{first.next_query}").context["page_obj"]
    assert len(second.object_list) == 2 and second.has_previous and not second.has_next
    assert not {inv.pk for inv in second} & {inv.pk for inv in first}
    back = trader_client.get(f"{url}?{second.previous_query}").context["page_obj"]
    assert [inv.pk for inv in back] == [inv.pk for inv in first]


def test_the_detail_page_shows_lines_timeline_and_reasons_field_by_field(trader_client, enterprise):
    inv = make_inventory(
        ebc=enterprise,
        status="returned",
        lines=2,
        return_reasons=[{"field": "goodsValue", "reason": "lines total 200.00 but the order says 150.00"}],
    )
    response = trader_client.get(reverse("declarations:inventory_detail", args=[inv.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('data-testid="inventory-line"') == 2
    # the field named in words (Chinese by default), not by its CEB element name
    assert "商品价格" in page and "goodsValue" not in page
    assert "lines total 200.00 but the order says 150.00" in page
    # the timeline names the statuses in the page's language (Chinese by default)
    with translation.override("zh-hans"):
        moved = f"{InventoryStatus.STORED.label} → {InventoryStatus.RETURNED.label}"
    assert moved in page and "stored → returned" not in page


def test_another_enterprises_list_is_not_found(trader_client, other_enterprise):
    inv = make_inventory(ebc=other_enterprise)
    assert trader_client.get(reverse("declarations:inventory_detail", args=[inv.pk])).status_code == 404


def test_the_clearance_error_log_shows_returned_lists_of_this_enterprise_only(
    trader_client, enterprise, other_enterprise
):
    mine = make_inventory(
        ebc=enterprise, status="returned", return_reasons=[{"field": "orderNo", "reason": "no such order"}]
    )
    theirs = make_inventory(ebc=other_enterprise, status="returned", return_reasons=["secret reason"])
    page = trader_client.get(reverse("declarations:clearance_errors")).content.decode()
    assert str(mine) in page and "订单编号: no such order" in page and "orderNo" not in page
    assert str(theirs) not in page and "secret reason" not in page


@pytest.mark.parametrize("name", ["declarations:inventory_list", "declarations:clearance_errors"])
def test_list_pages_need_a_signed_in_trader(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "login" in response.url


# --- polling ----------------------------------------------------------------------------
def test_platforms_poll_their_lists_by_order_number_and_status(api_client_for, enterprise_factory):
    platform = enterprise_factory(roles=("platform",))
    ebc = enterprise_factory(roles=("ecommerce",))
    stranger = enterprise_factory(roles=("platform",))
    released = make_inventory(ebc=ebc, ebp=platform, order_no="ORD-POLL", status="released")
    make_inventory(ebc=ebc, ebp=platform, order_no="ORD-OTHER")
    make_inventory(ebc=stranger, ebp=stranger, order_no="ORD-POLL")
    api = api_client_for(platform)
    body = api.get("/api/v1/inventories/", {"orderNo": "ORD-POLL"}).json()
    assert body["count"] == 1
    [row] = body["results"]
    assert (
        row["copNo"] == released.cop_no and row["status"] == "released" and row["invtNo"] == released.invt_no
    )
    assert api.get("/api/v1/inventories/", {"status": "stored"}).json()["count"] == 1
    assert api.get("/api/v1/inventories/").json()["count"] == 2


def test_the_logistics_enterprise_can_poll_the_lists_it_carries(api_client_for, enterprise_factory):
    logistics = enterprise_factory(roles=("logistics",))
    ebc = enterprise_factory(roles=("ecommerce",))
    make_inventory(ebc=ebc, logistics=logistics)
    assert api_client_for(logistics).get("/api/v1/inventories/").json()["count"] == 1


def test_polling_is_paginated(api_client_for, enterprise):
    for _ in range(51):
        make_inventory(ebc=enterprise)
    body = api_client_for(enterprise).get("/api/v1/inventories/").json()
    assert body["count"] == 51 and len(body["results"]) == 50 and body["next"]
