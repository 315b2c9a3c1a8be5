"""In a real browser: an exporter registers goods, sees a list arrive by API, returned with its
reasons, and the corrected list released."""

import json
import urllib.request

import pytest

from .parcels import make_cast, parcel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def post(live_server, key, path, entries):
    request = urllib.request.Request(  # noqa: S310 (the test's own live server)
        f"{live_server.url}{path}",
        data=json.dumps({"entries": entries}).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Api-Key {key}",
            "Accept-Language": "en",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the test's own server)
        assert response.status == 200
        return json.loads(response.read())


def test_exporter_registers_goods_and_follows_a_list_from_return_to_release(
    live_server, new_page, enterprise_factory, trader_factory, staff_factory, api_key_factory
):
    from declarations.channels.models import InspectionSetting
    from declarations.models import Goods
    from declarations.services import goods as goods_services

    InspectionSetting.objects.create(rate=0)  # no random draw: the journey is about the comparison
    cast = make_cast(enterprise_factory)
    trader_factory(cast.ebc, username="wang.exporter", password="correct-horse-battery")
    keys = {
        role: api_key_factory(getattr(cast, role)) for role in ("platform", "payment", "logistics", "ebc")
    }

    page = new_page("en-US")
    page.goto(f"{live_server.url}/accounts/login/?next=/declarations/goods/new/")
    page.get_by_label("Username").fill("wang.exporter")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()

    # the exporter registers its goods; customs approves them
    page.locator("#id_item_no").fill("SKU-1")
    page.locator("#id_name").fill("Bluetooth speaker")
    page.locator("#id_gcode").fill("8518220000")
    page.locator("#id_unit").fill("007")
    page.locator("#id_unit1").fill("007")
    page.get_by_role("button", name="Register").click()
    page.get_by_text("Goods registered: customs will review them.").wait_for()
    goods_services.goods_approve(
        goods=Goods.objects.get(enterprise=cast.ebc), actor=staff_factory("reviewer")
    )

    # the platform, the payment and the logistics enterprises send their data; the exporter a
    # list with the wrong commodity code
    p = parcel(
        cast, lines=[{"itemNo": "SKU-1", "gcode": "8518290000", "qty": 2, "price": 50, "totalPrice": 100}]
    )
    post(live_server, keys["platform"], "/api/v1/orders/", [p["order"]])
    post(live_server, keys["payment"], "/api/v1/payments/", [p["payment"]])
    post(live_server, keys["logistics"], "/api/v1/waybills/", [p["waybill"]])
    [receipt] = post(live_server, keys["ebc"], "/api/v1/inventories/", [p["inventory"]])
    assert receipt["status"] == "accepted" and receipt["info"].endswith(": returned")

    page.goto(f"{live_server.url}/declarations/lists/")
    row = page.get_by_test_id("inventory-row").filter(has_text=p["order"]["orderNo"])
    assert row.locator(".status").inner_text() == "Returned"
    row.get_by_role("link").click()
    reason = page.get_by_test_id("return-reason")
    assert "Line 1: commodity code" in reason.inner_text() and "lines[" not in reason.inner_text()
    assert "commodity code 8518290000 differs from the registered 8518220000" in reason.inner_text()
    # the timeline names the statuses (stored as codes) by their labels
    assert "Declared, waiting for documents → Returned" in page.get_by_test_id("timeline").inner_text()

    # the corrected list goes through and is released
    fixed = dict(p["inventory"], copNo=p["inventory"]["copNo"] + "-2", guid=p["inventory"]["guid"][:-1] + "0")
    fixed["lines"] = [dict(fixed["lines"][0], gcode="8518220000")]
    [receipt] = post(live_server, keys["ebc"], "/api/v1/inventories/", [fixed])
    assert receipt["info"].endswith(": released")
    page.goto(f"{live_server.url}/declarations/lists/?status=released")
    row = page.get_by_test_id("inventory-row").filter(has_text=p["order"]["orderNo"])
    assert row.count() == 1 and row.locator(".status").inner_text() == "Released"
    row.get_by_role("link").click()
    assert page.get_by_test_id("inventory-status").inner_text() == "Released"
    assert "Declared, waiting for documents → Released" in page.get_by_test_id("timeline").inner_text()
    page.goto(f"{live_server.url}/declarations/clearance-errors/")
    assert page.get_by_test_id("returned-list").filter(has_text=p["order"]["orderNo"]).count() == 1
