"""Intake through the API and the ops command, with the batch services stood in.

These tests pin the intake layer's own duties: the same typed entries from XML and JSON,
one receipt per entry in order, the sender check, refusals recorded, signed messages kept.
The business rules behind the batch services are tested with the real services elsewhere.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from declarations import intake
from declarations.models import ReceivedMessage
from declarations.services.receipts import Receipt

from . import ceb_builders as b
from . import in_english

# every test here reads the answers in English (fixtures shared by the intake tests)
_english = in_english._english
api_client_for = in_english.api_client_for

SAMPLES = Path(__file__).resolve().parent / "ceb_samples"  # the specification's official samples (2022-05)


class FakeServices:
    """Accepts each new key once, answers duplicate after; records what it was given."""

    def __init__(self):
        self.calls = []
        self.seen = set()
        self.rejections = []

    def batch_service(self, kind):
        def receive(*, entries, sender):
            self.calls.append((kind, entries, sender))
            receipts = []
            for entry in entries:
                key = entry[intake.KEY_FIELDS[kind]]
                status = "duplicate" if (kind, key) in self.seen else "accepted"
                self.seen.add((kind, key))
                receipts.append(Receipt(guid=entry["guid"], key=key, status=status, info=""))
            return receipts

        return receive

    def record(self, *, sender, rejections):
        self.rejections.extend((sender, r) for r in rejections)


@pytest.fixture
def services(monkeypatch):
    fake = FakeServices()
    monkeypatch.setattr(intake, "batch_service", fake.batch_service)
    monkeypatch.setattr(intake, "record_rejections", fake.record)
    return fake


@pytest.fixture
def parties(enterprise_factory):
    return {
        "platform": enterprise_factory(roles=("platform",)),
        "ebc": enterprise_factory(roles=("ecommerce", "owner")),
        "broker": enterprise_factory(roles=("broker",)),
        "logistics": enterprise_factory(roles=("logistics",)),
        "payment": enterprise_factory(roles=("payment",)),
    }


def entry_for(kind, p, **kw):
    if kind == "order":
        return b.order_entry(ebp=p["platform"], ebc=p["ebc"], **kw)
    if kind == "payment":
        return b.payment_entry(ebp=p["platform"], ebc=p["ebc"], pay=p["payment"], order_no="ORD-1", **kw)
    if kind == "waybill":
        return b.waybill_entry(logistics=p["logistics"], **kw)
    if kind == "inventory":
        return b.inventory_entry(
            ebp=p["platform"], ebc=p["ebc"], agent=p["broker"], owner=p["ebc"], logistics=p["logistics"],
            order_no="ORD-1", logistics_no="LN-1", **kw,
        )  # fmt: skip
    if kind == "cancel":
        return b.cancel_entry(
            agent=p["broker"], ebc=p["ebc"], cop_no="COP-1", invt_no="22442026E000000001", **kw
        )
    return b.departure_entry(logistics=p["logistics"], logistics_nos=["LN-1", "LN-2"], **kw)


SENDER_ROLE = {
    "order": "platform",
    "payment": "payment",
    "waybill": "logistics",
    "inventory": "broker",
    "cancel": "broker",
    "departure": "logistics",
}
ENDPOINT = b.JSON_ENDPOINTS
KINDS = list(SENDER_ROLE)


def post_xml(api, body):
    return api.generic("POST", "/api/v1/messages/", body, content_type="application/xml")


@pytest.mark.parametrize("kind", KINDS)
def test_an_xml_message_and_the_same_json_entry_reach_the_service_identically(
    kind, parties, services, api_client_for
):
    api = api_client_for(parties[SENDER_ROLE[kind]])
    entry = entry_for(kind, parties)
    response = post_xml(api, b.message(kind, [entry]))
    assert response.status_code == 200, response.content
    key = entry[intake.KEY_FIELDS[kind]]
    assert response.json() == [{"guid": entry["guid"], "key": key, "status": "accepted", "info": ""}]
    response = api.post(ENDPOINT[kind], {"entries": [entry]}, format="json")
    assert response.status_code == 200
    assert response.json()[0]["status"] == "duplicate"
    (_, from_xml, sender), (_, from_json, _) = services.calls
    assert from_xml == from_json and sender == parties[SENDER_ROLE[kind]]


@pytest.mark.parametrize("kind", KINDS)
def test_a_key_used_for_another_enterprises_data_is_refused_per_entry(
    kind, parties, services, api_client_for, enterprise_factory
):
    outsider = enterprise_factory(roles=("platform", "logistics", "payment", "broker", "ecommerce"))
    api = api_client_for(outsider)
    response = api.post(ENDPOINT[kind], {"entries": [entry_for(kind, parties)]}, format="json")
    assert response.status_code == 403
    [receipt] = response.json()
    assert receipt["status"] == "rejected" and receipt["info"].startswith("4003: ")
    assert outsider.customs_code in receipt["info"]
    assert services.calls == []
    assert [r["kind"] for _, r in services.rejections] == [kind]


def test_a_batch_mixing_own_and_foreign_entries_answers_each_in_order(
    parties, services, api_client_for, enterprise_factory
):
    other_platform = enterprise_factory(roles=("platform",))
    own = entry_for("order", parties)
    foreign = b.order_entry(ebp=other_platform, ebc=other_platform)
    invalid = entry_for("order", parties)
    invalid["goodsValue"] = "1.1234567"
    api = api_client_for(parties["platform"])
    response = api.post("/api/v1/orders/", {"entries": [foreign, own, invalid]}, format="json")
    assert response.status_code == 200
    receipts = response.json()
    assert [r["status"] for r in receipts] == ["rejected", "accepted", "rejected"]
    assert [r["key"] for r in receipts] == [foreign["orderNo"], own["orderNo"], invalid["orderNo"]]
    assert receipts[2]["info"] == "0002: goodsValue: may have at most 5 decimal places"
    assert len(services.rejections) == 2
    assert len(services.calls[0][1]) == 1


def test_the_ebc_may_send_its_own_order_too(parties, services, api_client_for):
    response = api_client_for(parties["ebc"]).post(
        "/api/v1/orders/", {"entries": [entry_for("order", parties)]}, format="json"
    )
    assert response.json()[0]["status"] == "accepted"


def test_a_uscc_in_the_message_identifies_the_sender_too(parties, services, api_client_for):
    entry = entry_for("waybill", parties)
    entry["logisticsCode"] = parties["logistics"].uscc
    response = api_client_for(parties["logistics"]).post(
        "/api/v1/waybills/", {"entries": [entry]}, format="json"
    )
    assert response.json()[0]["status"] == "accepted"


def test_a_schema_invalid_sample_gets_one_rejected_receipt_with_0002_and_is_logged(
    parties, services, api_client_for
):
    response = post_xml(api_client_for(parties["platform"]), (SAMPLES / "CEB303Message.xml").read_bytes())
    assert response.status_code == 400
    [receipt] = response.json()
    assert receipt["status"] == "rejected" and receipt["key"] == ""
    assert receipt["info"].startswith("0002: ") and "ceb:BaseTransfer" in receipt["info"]
    assert receipt["guid"] == "311af125-6fed-4603-8c5d-49b1fa4b4b9b"
    [(sender, rejection)] = services.rejections
    assert sender == parties["platform"] and rejection["kind"] == "message"
    assert services.calls == []


def test_a_signed_message_is_kept_as_received(parties, services, api_client_for):
    from declarations.signatures.services import certificate_register
    from tests.returns.signing import make_identity, pem, signed

    platform = parties["platform"]
    key, cert = make_identity()
    certificate_register(enterprise=platform, data=pem(cert))
    body = signed(
        b.message("order", [entry_for("order", parties)], cop_code=platform.customs_code), key, cert
    )
    assert post_xml(api_client_for(platform), body).status_code == 200
    kept = ReceivedMessage.objects.get()
    assert kept.signed and "ds:SignatureValue" in kept.raw and kept.sender == platform
    post_xml(api_client_for(platform), b.message("order", [entry_for("order", parties)]))
    assert ReceivedMessage.objects.count() == 1  # unsigned messages are not stored


def test_a_signed_message_whose_header_names_another_enterprise_is_not_kept_as_signed(
    parties, services, api_client_for
):
    """The platform's key cannot lodge a signed message in the e-commerce enterprise's name."""
    from declarations.signatures.services import certificate_register
    from tests.returns.signing import make_identity, pem, signed

    platform, other = parties["platform"], parties["ebc"]
    key, cert = make_identity()
    certificate_register(enterprise=platform, data=pem(cert))
    body = signed(b.message("order", [entry_for("order", parties)], cop_code=other.customs_code), key, cert)
    assert post_xml(api_client_for(platform), body).status_code == 200
    kept = ReceivedMessage.objects.get()
    assert kept.sender == platform and not kept.signed
    assert not ReceivedMessage.objects.filter(signed=True).exists()


# --- ingest_messages ----------------------------------------------------------------------
def test_ingest_messages_reports_per_file_and_exits_1_when_a_file_is_invalid(
    tmp_path, parties, services, capsys
):
    good = entry_for("order", parties)
    (tmp_path / "a.xml").write_bytes(b.message("order", [good, good]))
    (tmp_path / "b.xml").write_bytes((SAMPLES / "CEB303Message.xml").read_bytes())
    with pytest.raises(SystemExit) as exit_:
        call_command("ingest_messages", str(tmp_path))
    assert exit_.value.code == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{tmp_path / 'a.xml'}: 1 accepted, 1 duplicate, 0 rejected"
    assert out[1] == f"{tmp_path / 'b.xml'}: 0 accepted, 0 duplicate, 1 rejected"
    assert out[2].startswith("    311af125-6fed-4603-8c5d-49b1fa4b4b9b: 0002: ")


def test_ingest_messages_lists_each_rejected_entry_and_exits_0_when_all_files_are_valid(
    tmp_path, parties, services, capsys, enterprise_factory
):
    entry = entry_for("waybill", parties)
    unknown = entry_for("waybill", parties)
    unknown["logisticsCode"] = "9999999999"
    path = tmp_path / "w.xml"
    path.write_bytes(b.message("waybill", [entry, unknown]))
    call_command("ingest_messages", str(path))
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{path}: 1 accepted, 0 duplicate, 1 rejected"
    assert out[1].startswith(f"    {unknown['logisticsNo']}: 2001: ")


def test_ingest_messages_on_a_missing_path_exits_1(tmp_path, services, capsys, db):
    with pytest.raises(SystemExit) as exit_:
        call_command("ingest_messages", str(tmp_path / "a.xml"), str(tmp_path / "nope.xml"))
    assert exit_.value.code == 1
