"""Who sees and does what: traders, platforms with API keys, reviewers; over HTTP, real services."""

import pytest
from django.urls import reverse
from django.utils import translation

from declarations.models import IntakeRejection, Inventory, InventoryCancelRequest

from . import ceb_builders as b
from .inventory_rows import make_inventory
from .parcels import make_cast, parcel, register_goods

pytestmark = pytest.mark.usefixtures("no_random_inspection")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def api_client_for(api_client_for):
    def create(enterprise):
        client = api_client_for(enterprise)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return create


@pytest.fixture
def cast(enterprise_factory):
    cast = make_cast(enterprise_factory)
    register_goods(cast.ebc)
    return cast


ENDPOINTS = {
    "order": ("/api/v1/orders/", "platform"),
    "payment": ("/api/v1/payments/", "payment"),
    "waybill": ("/api/v1/waybills/", "logistics"),
    "inventory": ("/api/v1/inventories/", "ebc"),
}


def post_parcel(api_client_for, cast, p):
    answers = {}
    for kind, (url, role) in ENDPOINTS.items():
        response = api_client_for(getattr(cast, role)).post(url, {"entries": [p[kind]]}, format="json")
        assert response.status_code == 200, response.content
        answers[kind] = response.json()
    return answers


def test_a_parcel_through_the_json_endpoints_is_released_and_polled(api_client_for, cast):
    p = parcel(cast)
    answers = post_parcel(api_client_for, cast, p)
    [receipt] = answers["inventory"]
    assert receipt["status"] == "accepted" and receipt["key"] == p["inventory"]["copNo"]
    assert receipt["info"].endswith(": released")
    body = (
        api_client_for(cast.platform).get("/api/v1/inventories/", {"orderNo": p["order"]["orderNo"]}).json()
    )
    assert body["count"] == 1 and body["results"][0]["status"] == "released"
    again = api_client_for(cast.ebc).post(
        "/api/v1/inventories/", {"entries": [p["inventory"]]}, format="json"
    )
    assert again.json()[0]["status"] == "duplicate" and Inventory.objects.count() == 1


def test_a_parcel_as_xml_messages_is_released(api_client_for, cast):
    p = parcel(cast)
    for kind, (_url, role) in ENDPOINTS.items():
        response = api_client_for(getattr(cast, role)).generic(
            "POST", "/api/v1/messages/", b.message(kind, [p[kind]]), content_type="application/xml"
        )
        assert response.status_code == 200 and response.json()[0]["status"] == "accepted", response.content
    assert Inventory.objects.get().status == "released"


def test_a_key_cannot_send_another_enterprises_lists_nor_poll_them(api_client_for, cast, enterprise_factory):
    intruder = enterprise_factory(roles=("ecommerce", "platform", "broker", "logistics"))
    p = parcel(cast)
    post_parcel(api_client_for, cast, p)
    response = api_client_for(intruder).post(
        "/api/v1/inventories/",
        {"entries": [dict(p["inventory"], guid=b.guid(), copNo="STOLEN")]},
        format="json",
    )
    assert response.status_code == 403 and response.json()[0]["info"].startswith("4003: ")
    assert not Inventory.objects.filter(cop_no="STOLEN").exists()
    body = api_client_for(intruder).get("/api/v1/inventories/", {"orderNo": p["order"]["orderNo"]}).json()
    assert body["count"] == 0


def test_polling_needs_an_api_key_or_a_signed_in_trader(client, db):
    assert client.get("/api/v1/inventories/").status_code in (401, 403)


def test_the_clearance_error_log_shows_this_senders_refused_entries_only(
    api_client_for, cast, client, trader_factory, enterprise_factory
):
    p = parcel(cast)
    p["order"]["ebcCode"] = "9999999999"
    api_client_for(cast.platform).post("/api/v1/orders/", {"entries": [p["order"]]}, format="json")
    assert IntakeRejection.objects.filter(sender=cast.platform).count() == 1
    client.force_login(trader_factory(cast.platform))
    page = client.get(reverse("declarations:clearance_errors")).content.decode()
    assert p["order"]["orderNo"] in page and "2001: ebcCode 9999999999" in page
    client.force_login(trader_factory(enterprise_factory(roles=("platform",))))
    page = client.get(reverse("declarations:clearance_errors")).content.decode()
    assert p["order"]["orderNo"] not in page


def test_the_detail_page_shows_a_pending_cancellation(api_client_for, cast, client, trader_factory):
    p = parcel(cast)
    post_parcel(api_client_for, cast, p)
    inv = Inventory.objects.get()
    api_client_for(cast.ebc).post(
        "/api/v1/inventory-cancels/",
        {"entries": [b.cancel_entry(agent=cast.ebc, ebc=cast.ebc, cop_no=inv.cop_no, invt_no=inv.invt_no)]},
        format="json",
    )
    client.force_login(trader_factory(cast.ebc))
    page = client.get(reverse("declarations:inventory_detail", args=[inv.pk])).content.decode()
    assert 'data-testid="cancel-request"' in page
    assert "Awaiting customs decision" in page or "待海关决定" in page  # the trader's language


@pytest.mark.parametrize(
    "name", ["declarations:inventory_detail", "declarations:inventory_list", "declarations:clearance_errors"]
)
def test_pages_need_a_signed_in_trader(client, enterprise, name):
    inv = make_inventory(ebc=enterprise)
    args = [inv.pk] if name.endswith("detail") else []
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and "login" in response.url


def test_a_reviewer_approves_a_cancellation_in_admin(api_client_for, cast, reviewer_client, reviewer):
    p = parcel(cast)
    post_parcel(api_client_for, cast, p)
    inv = Inventory.objects.get()
    api_client_for(cast.ebc).post(
        "/api/v1/inventory-cancels/",
        {"entries": [b.cancel_entry(agent=cast.ebc, ebc=cast.ebc, cop_no=inv.cop_no, invt_no=inv.invt_no)]},
        format="json",
    )
    request = InventoryCancelRequest.objects.get()
    url = reverse("admin:declarations_inventorycancelrequest_change", args=[request.pk])
    assert reviewer_client.get(url).status_code == 200
    response = reviewer_client.post(url, {"decision": "refuse", "decision_note": ""})
    assert response.status_code == 200  # the form asks for a reason
    reviewer_client.post(url, {"decision": "approve", "decision_note": ""})
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == reviewer
    assert Inventory.objects.get().status == "cancelled"


def test_traders_cannot_reach_the_cancellation_admin(trader_client):
    response = trader_client.get(reverse("admin:declarations_inventorycancelrequest_changelist"))
    assert response.status_code in (302, 403)
