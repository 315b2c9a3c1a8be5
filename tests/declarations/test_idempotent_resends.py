"""A platform that times out sends the same entry again, often under a new guid (issue 10).

An entry whose business content equals what is stored for the same sender and key is answered
``duplicate`` and changes nothing, whatever its guid and message time; the same key with other
content is refused with the reason. Ten identical posts at the same moment give one
``accepted`` and nine ``duplicate``, never "send again".
"""

import threading

import pytest
from django.db import connection
from django.forms.models import model_to_dict

from declarations.models import (
    Departure,
    IntakeRejection,
    Inventory,
    InventoryCancelRequest,
    InventoryLine,
    Order,
    OrderLine,
    Payment,
    Waybill,
)

from . import ceb_builders as b
from . import in_english
from .parcels import make_cast, parcel, register_goods

_english = in_english._english
api_client_for = in_english.api_client_for

PATHS = b.JSON_ENDPOINTS
SENDER = {"order": "platform", "payment": "payment", "waybill": "logistics", "inventory": "ebc"}


pytestmark = pytest.mark.usefixtures("no_random_inspection")


@pytest.fixture
def cast(enterprise_factory):
    cast = make_cast(enterprise_factory, pilot_zone=True)
    register_goods(cast.ebc)
    return cast


def state():
    models = (Order, OrderLine, Payment, Waybill, Inventory, InventoryLine, InventoryCancelRequest, Departure)
    return {m.__name__: sorted(map(model_to_dict, m.objects.all()), key=lambda r: r["id"]) for m in models}


def post(client, kind, *entries):
    response = client.post(PATHS[kind], {"entries": list(entries)}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def resent(entry):
    """The same entry as a platform resends it after a time-out: a new guid and message time."""
    return dict(entry, guid=b.guid(), appTime="20260105235959")


@pytest.fixture
def sent(cast, api_client_for):
    """A whole parcel sent once, through the API, by each document's own sender."""
    p = parcel(cast)
    for kind in ("order", "payment", "waybill", "inventory"):
        [receipt] = post(api_client_for(getattr(cast, SENDER[kind])), kind, p[kind])
        assert receipt["status"] == "accepted", receipt
    return p


@pytest.mark.parametrize("kind", ["order", "payment", "waybill", "inventory"])
def test_a_resend_under_a_new_guid_is_a_duplicate_and_changes_nothing(cast, sent, api_client_for, kind):
    client = api_client_for(getattr(cast, SENDER[kind]))
    before = state()
    [receipt] = post(client, kind, resent(sent[kind]))
    assert receipt["status"] == "duplicate", receipt
    assert state() == before
    assert not IntakeRejection.objects.exists()


def test_a_resent_declared_list_names_its_number_and_state(cast, sent, api_client_for):
    [receipt] = post(api_client_for(cast.ebc), "inventory", resent(sent["inventory"]))
    invt_no = Inventory.objects.get(cop_no=sent["inventory"]["copNo"]).invt_no
    assert receipt == {
        "guid": receipt["guid"],
        "key": sent["inventory"]["copNo"],
        "status": "duplicate",
        "info": f"Already received: list {invt_no} is Released.",
    }


@pytest.mark.parametrize(
    ("kind", "change", "code"),
    [
        ("order", {"goodsValue": "90"}, "4004"),
        ("payment", {"charge": "999"}, "4004"),
        ("waybill", {"grossWeight": "9"}, "4004"),
        ("inventory", {"grossWeight": "9"}, "4004"),
    ],
)
def test_the_same_key_with_other_content_is_refused_with_the_reason(
    cast, sent, api_client_for, kind, change, code
):
    client = api_client_for(getattr(cast, SENDER[kind]))
    before = state()
    [receipt] = post(client, kind, dict(resent(sent[kind]), **change))
    assert receipt["status"] == "rejected" and receipt["info"].startswith(f"{code}: ")
    assert "different content" in receipt["info"] or "declared" in receipt["info"]
    assert state() == before


def test_a_stored_list_resent_is_a_duplicate_and_declaring_it_is_not(cast, api_client_for):
    p = parcel(cast, app_status="1")
    client = api_client_for(cast.ebc)
    assert post(client, "inventory", p["inventory"])[0]["status"] == "accepted"
    assert post(client, "inventory", resent(p["inventory"]))[0]["status"] == "duplicate"
    # the same content as a change (appType 2) is a duplicate too: nothing would change
    assert post(client, "inventory", dict(resent(p["inventory"]), appType="2"))[0]["status"] == "duplicate"
    declare = dict(resent(p["inventory"]), appType="2", appStatus="2")
    assert post(client, "inventory", declare)[0]["status"] == "accepted"
    assert Inventory.objects.get(cop_no=p["inventory"]["copNo"]).status == "declared"  # waits for documents
    assert post(client, "inventory", resent(declare))[0]["status"] == "duplicate"


def test_a_resent_departure_and_cancellation_are_duplicates(cast, sent, api_client_for):
    inv = Inventory.objects.get(cop_no=sent["inventory"]["copNo"])
    cancel = b.cancel_entry(agent=cast.ebc, ebc=cast.ebc, cop_no=inv.cop_no, invt_no=inv.invt_no)
    ebc = api_client_for(cast.ebc)
    assert post(ebc, "cancel", cancel)[0]["status"] == "accepted"
    assert post(ebc, "cancel", resent(cancel))[0]["status"] == "duplicate"
    assert InventoryCancelRequest.objects.count() == 1

    other = parcel(cast)
    for kind in ("order", "payment", "waybill", "inventory"):
        post(api_client_for(getattr(cast, SENDER[kind])), kind, other[kind])
    departure = b.departure_entry(logistics=cast.logistics, logistics_nos=[other["inventory"]["logisticsNo"]])
    carrier = api_client_for(cast.logistics)
    assert post(carrier, "departure", departure)[0]["status"] == "accepted"
    before = state()
    assert post(carrier, "departure", resent(departure))[0]["status"] == "duplicate"
    later = dict(resent(departure), leaveTime="20260107080000")
    assert post(carrier, "departure", later)[0]["status"] == "rejected"
    assert state() == before


# --- at the same moment ---------------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["order", "inventory"])
def test_ten_identical_posts_at_once_give_one_accepted_and_nine_duplicates(
    enterprise_factory, api_client_for, kind
):
    from declarations.channels.models import InspectionSetting

    InspectionSetting.objects.create(rate=0)
    cast = make_cast(enterprise_factory, pilot_zone=True)
    register_goods(cast.ebc)
    p = parcel(cast)
    if kind == "inventory":  # a declared list: its documents are there, so it is compared and routed
        for document in ("order", "payment", "waybill"):
            post(api_client_for(getattr(cast, SENDER[document])), document, p[document])
    clients = [api_client_for(getattr(cast, SENDER[kind])) for _ in range(10)]
    start = threading.Barrier(10, timeout=30)
    statuses, errors = [], []

    def send(client, entry):
        try:
            start.wait()
            response = client.post(PATHS[kind], {"entries": [entry]}, format="json")
            statuses.append((response.status_code, response.json()[0]["status"], response.json()[0]["info"]))
        except Exception as exc:  # noqa: BLE001 - the test reports what escaped
            errors.append(exc)
        finally:
            connection.close()

    # each sender its own guid, as platforms do on a resend
    threads = [threading.Thread(target=send, args=(c, resent(p[kind]))) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(status for _code, status, _info in statuses) == ["accepted"] + ["duplicate"] * 9, statuses
    model, column, key = (Order, "order_no", "orderNo") if kind == "order" else (Inventory, "cop_no", "copNo")
    assert model.objects.filter(**{column: p[kind][key]}).count() == 1
    assert not IntakeRejection.objects.exists()
