"""In a real browser: an exporter opts in to declaration on collection, sees its stored list
declared when the carrier's waybill arrives, then arrived and departed through its total package."""

import json
import urllib.request

import pytest

from . import ceb_builders as b
from .parcels import make_cast, parcel, register_goods

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
        [receipt] = json.loads(response.read())
        assert receipt["status"] == "accepted", receipt
        return receipt


def test_exporter_sees_a_list_declared_on_collection_arrive_and_depart_by_its_package(
    live_server, new_page, enterprise_factory, trader_factory, api_key_factory
):
    from declarations.channels.models import InspectionSetting
    from declarations.transit.models import ArrivalRequiredCustoms

    InspectionSetting.objects.create(rate=0)
    ArrivalRequiredCustoms.objects.create(customs_code="2244", name="Pudong airport")
    cast = make_cast(enterprise_factory, pilot_zone=True)
    register_goods(cast.ebc)
    trader_factory(cast.ebc, username="zhao.exporter", password="correct-horse-battery")
    keys = {
        role: api_key_factory(getattr(cast, role)) for role in ("platform", "payment", "logistics", "ebc")
    }

    page = new_page("en-US")
    page.goto(f"{live_server.url}/accounts/login/?next=/registration/profile/")
    page.get_by_label("Username").fill("zhao.exporter")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()

    # the administrator opts in on the enterprise's page
    page.get_by_test_id("auto-declaration-on").click()
    page.get_by_text("Stored lists are now declared when the parcel is collected.").wait_for()
    assert "declared as soon as" in page.get_by_test_id("auto-declaration-state").inner_text()

    # the platform's documents and the exporter's stored list arrive; then the carrier's waybill
    p = parcel(cast, app_status="1")
    post(live_server, keys["platform"], "/api/v1/orders/", [p["order"]])
    post(live_server, keys["payment"], "/api/v1/payments/", [p["payment"]])
    post(live_server, keys["ebc"], "/api/v1/inventories/", [p["inventory"]])
    page.goto(f"{live_server.url}/declarations/lists/")
    row = page.get_by_test_id("inventory-row").filter(has_text=p["order"]["orderNo"])
    assert row.get_by_text("Temporarily stored").is_visible()

    post(live_server, keys["logistics"], "/api/v1/waybills/", [p["waybill"]])
    page.reload()
    row = page.get_by_test_id("inventory-row").filter(has_text=p["order"]["orderNo"])
    assert row.get_by_text("Released").is_visible()
    row.get_by_role("link").first.click()
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "declared on collection: waybill " + p["waybill"]["logisticsNo"] in timeline
    assert page.get_by_test_id("arrived").inner_text() == "Not yet"

    # the carrier packs it (CEB607), the site reports the package arrived (CEB507), it departs (CEB509)
    number = p["waybill"]["logisticsNo"]
    post(
        live_server, keys["logistics"], "/api/v1/waybill-summaries/",
        [b.waybill_summary_entry(logistics=cast.logistics, lines=[(number, "PKG-E2E", "")])],
    )  # fmt: skip
    post(
        live_server, keys["logistics"], "/api/v1/arrivals/",
        [b.arrival_entry(logistics=cast.logistics, lines=[(number, "PKG-E2E")], app_time="20260106063000")],
    )  # fmt: skip
    post(
        live_server, keys["logistics"], "/api/v1/departures/",
        [b.departure_by_package_entry(logistics=cast.logistics, packages=[("PKG-E2E", number)])],
    )  # fmt: skip
    page.reload()
    assert page.get_by_test_id("inventory-status").inner_text() == "Departed"
    assert page.get_by_test_id("total-package").inner_text() == "PKG-E2E"
    assert page.get_by_test_id("bill-no").inner_text() == "BILL2026001"
    assert page.get_by_test_id("arrived").inner_text() == "2026-01-06 06:30"
    assert page.get_by_test_id("trade-mode").inner_text() == "Cross-border e-commerce retail export (9610)"

    page.get_by_role("link", name="Back to the declaration lists").click()
    row = page.get_by_test_id("inventory-row").filter(has_text=p["order"]["orderNo"])
    assert row.get_by_test_id("inventory-package").inner_text() == "PKG-E2E"
    assert row.get_by_test_id("inventory-arrived").inner_text() == "2026-01-06 06:30"
