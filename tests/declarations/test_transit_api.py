"""Waybill summaries (CEB607 -> CEB608) and arrivals (CEB507 -> CEB508) through the API, in CEB
XML and in JSON, synchronously and through the inbox; their receipts pass the schema."""

import pytest
from lxml import etree

from declarations.ceb import get_schema
from declarations.models import Inventory
from declarations.transit.models import Arrival, ListTransit, WaybillSummary

from . import ceb_builders as b
from . import in_english
from .parcels import make_cast, parcel, register_goods

_english = in_english._english
api_client_for = in_english.api_client_for
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_random_inspection")]

CEB = "{http://www.chinaport.gov.cn/ceb}"
ROLE = {"order": "platform", "payment": "payment", "waybill": "logistics", "inventory": "ebc"}


@pytest.fixture
def cast(enterprise_factory):
    cast = make_cast(enterprise_factory, pilot_zone=True)
    register_goods(cast.ebc)
    return cast


@pytest.fixture
def released(cast, api_client_for):
    """Two parcels declared and released, through the JSON endpoints."""
    parcels = [parcel(cast), parcel(cast)]
    for p in parcels:
        for kind in ("order", "payment", "waybill", "inventory"):
            response = api_client_for(getattr(cast, ROLE[kind])).post(
                b.JSON_ENDPOINTS[kind], {"entries": [p[kind]]}, format="json"
            )
            assert response.status_code == 200, response.content
    assert {i.status for i in Inventory.objects.all()} == {"released"}
    return [p["waybill"]["logisticsNo"] for p in parcels]


def post_xml(client, kind, entries, **headers):
    return client.generic(
        "POST", "/api/v1/messages/", b.message(kind, entries), content_type="application/xml", **headers
    )


def post_json(client, kind, entries, **headers):
    return client.post(b.JSON_ENDPOINTS[kind], {"entries": entries}, format="json", **headers)


def valid(xml: bytes):
    tree = etree.fromstring(xml)
    schema = get_schema()
    assert schema.validate(tree), [e.message for e in schema.error_log]
    return tree


@pytest.mark.parametrize("via", [post_xml, post_json], ids=["xml", "json"])
def test_a_waybill_summary_then_an_arrival_by_package_with_their_receipts(
    cast, released, api_client_for, via
):
    client = api_client_for(cast.logistics)
    summary = b.waybill_summary_entry(logistics=cast.logistics, lines=[(no, "PKG-A", "") for no in released])
    response = via(client, "waybill_summary", [summary])
    assert response.status_code == 200, response.content
    [receipt] = response.json()
    assert (receipt["status"], receipt["key"]) == ("accepted", summary["copNo"])
    assert "2 lists grouped under bill BILL2026001" in receipt["info"]

    arrival = b.arrival_entry(logistics=cast.logistics, lines=[(released[0], "PKG-A")])
    [receipt] = via(client, "arrival", [arrival]).json()
    assert receipt["status"] == "accepted" and "2 parcels arrived" in receipt["info"]
    assert ListTransit.objects.filter(arrived_at__isnull=False, total_package_no="PKG-A").count() == 2
    polled = api_client_for(cast.ebc).get("/api/v1/inventories/").json()["results"]
    assert {(r["tradeMode"], r["billNo"], r["totalPackageNo"]) for r in polled} == {
        ("9610", "BILL2026001", "PKG-A")
    }
    assert all(r["arrivedAt"].startswith("2026-01-06T06:30") for r in polled)

    # the same messages again: duplicates, nothing new
    assert via(client, "waybill_summary", [summary]).json()[0]["status"] == "duplicate"
    assert via(client, "arrival", [arrival]).json()[0]["status"] == "duplicate"
    assert (WaybillSummary.objects.count(), Arrival.objects.count()) == (1, 1)

    for kind, root, element in (
        ("waybill_summary", "CEB608Message", "WayBillReturn"),
        ("arrival", "CEB508Message", "ArrivalReturn"),
    ):
        response = client.get("/api/v1/receipts/", {"kind": kind}, HTTP_ACCEPT="application/xml")
        assert response.status_code == 200
        tree = valid(response.content)
        assert tree.tag == CEB + root
        returns = tree.findall(CEB + element)
        assert [r.findtext(CEB + "returnStatus") for r in returns] == ["120", "120"]
        assert returns[0].findtext(CEB + "copNo") in (summary["copNo"], arrival["copNo"])


def test_a_resend_in_json_of_a_report_sent_in_xml_is_a_duplicate(cast, released, api_client_for):
    client = api_client_for(cast.logistics)
    arrival = b.arrival_entry(logistics=cast.logistics, lines=[(released[0], "")])
    assert post_xml(client, "arrival", [arrival]).json()[0]["status"] == "accepted"
    resend = dict(arrival, guid=b.guid())  # another guid, the same report
    assert post_json(client, "arrival", [resend]).json()[0]["status"] == "duplicate"


def test_a_report_sent_through_the_inbox_is_processed_as_the_synchronous_one(
    cast, released, api_client_for, django_capture_on_commit_callbacks
):
    client = api_client_for(cast.logistics)
    summary = b.waybill_summary_entry(logistics=cast.logistics, lines=[(released[1], "PKG-B", "")])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_xml(client, "waybill_summary", [summary], HTTP_PREFER="respond-async")
    assert response.status_code == 202
    polled = client.get(response["Location"]).json()
    assert polled["status"] == "done" and polled["kind"] == "waybill_summary"
    assert polled["receipts"][0]["status"] == "accepted"
    assert ListTransit.objects.get(inventory__logistics_no=released[1]).total_package_no == "PKG-B"


@pytest.mark.parametrize("kind", ["waybill_summary", "arrival"])
def test_a_report_speaking_for_another_carrier_is_refused_403(
    cast, released, api_client_for, enterprise_factory, kind
):
    stranger = enterprise_factory(roles=("logistics",))
    entry = (
        b.waybill_summary_entry(logistics=cast.logistics, lines=[(released[0], "PKG-X", "")])
        if kind == "waybill_summary"
        else b.arrival_entry(logistics=cast.logistics, lines=[(released[0], "")])
    )
    response = post_json(api_client_for(stranger), kind, [entry])
    assert response.status_code == 403
    assert response.json()[0]["status"] == "rejected"
    assert not ListTransit.objects.exists()


def test_anonymous_callers_are_refused(client):
    for path in ("/api/v1/arrivals/", "/api/v1/waybill-summaries/"):
        assert client.post(path, {"entries": []}, content_type="application/json").status_code in (401, 403)


def test_a_report_that_fails_the_schema_is_refused_whole(cast, api_client_for):
    entry = b.arrival_entry(logistics=cast.logistics, lines=[("LN-1", "")])
    del entry["operatorCode"]
    [receipt] = post_json(api_client_for(cast.logistics), "arrival", [entry]).json()
    assert receipt["status"] == "rejected" and "operatorCode" in receipt["info"]
    response = post_xml(api_client_for(cast.logistics), "arrival", [entry])
    assert response.status_code == 400


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["waybill_summary", "arrival"])
def test_ten_identical_reports_at_once_give_one_accepted_and_nine_duplicates(
    enterprise_factory, api_client_for, kind
):
    import threading

    from django.db import connection

    from declarations.channels.models import InspectionSetting
    from declarations.intake import intake_entries

    InspectionSetting.objects.create(rate=0)
    cast = make_cast(enterprise_factory, pilot_zone=True)
    register_goods(cast.ebc)
    p = parcel(cast)
    for document in ("order", "payment", "waybill", "inventory"):
        intake_entries(kind=document, entries=[p[document]], sender=getattr(cast, ROLE[document]))
    number = p["waybill"]["logisticsNo"]
    entry = (
        b.waybill_summary_entry(logistics=cast.logistics, lines=[(number, "PKG-C", "")])
        if kind == "waybill_summary"
        else b.arrival_entry(logistics=cast.logistics, lines=[(number, "")])
    )
    clients = [api_client_for(cast.logistics) for _ in range(10)]
    start = threading.Barrier(10, timeout=30)
    statuses, errors = [], []

    def send(client, sent):
        try:
            start.wait()
            statuses.append(post_json(client, kind, [sent]).json()[0]["status"])
        except Exception as exc:  # noqa: BLE001 - the test reports what escaped
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c, dict(entry, guid=b.guid()))) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(statuses) == ["accepted"] + ["duplicate"] * 9
    model = WaybillSummary if kind == "waybill_summary" else Arrival
    assert model.objects.count() == 1


def test_a_resent_waybill_after_declaration_on_collection_changes_nothing(
    cast, api_client_for, trader_factory
):
    from declarations.models import InventoryHistory
    from declarations.transit.services import auto_declaration_set

    auto_declaration_set(enterprise=cast.ebc, actor=trader_factory(cast.ebc), enabled=True)
    p = parcel(cast, app_status="1")
    for kind in ("order", "payment", "inventory", "waybill"):
        post_json(api_client_for(getattr(cast, ROLE[kind])), kind, [p[kind]])
    inv = Inventory.objects.get(cop_no=p["inventory"]["copNo"])
    assert inv.status == "released"
    history = InventoryHistory.objects.filter(inventory=inv).count()
    resend = dict(p["waybill"], guid=b.guid(), appTime="20260105235959")
    for via in (post_json, post_xml):
        assert via(api_client_for(cast.logistics), "waybill", [resend]).json()[0]["status"] == "duplicate"
    assert InventoryHistory.objects.filter(inventory=inv).count() == history
    assert Inventory.objects.get(pk=inv.pk).invt_no == inv.invt_no
