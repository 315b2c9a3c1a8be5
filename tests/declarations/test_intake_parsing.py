"""CEB messages are read safely, validated against the XSD, and give the same entries as JSON."""

from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import translation

from declarations import ceb
from declarations.serializers import SERIALIZERS

from . import ceb_builders as b

SAMPLES = Path(__file__).resolve().parent / "ceb_samples"  # the specification's official samples (2022-05)
PARTY = SimpleNamespace(customs_code="3100000001", name="Test Trading 有限公司")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def entries_by_kind():
    p = PARTY
    return {
        "order": b.order_entry(ebp=p, ebc=p),
        "payment": b.payment_entry(ebp=p, ebc=p, pay=p, order_no="ORD1"),
        "waybill": b.waybill_entry(logistics=p),
        "inventory": b.inventory_entry(
            ebp=p, ebc=p, agent=p, owner=p, logistics=p, order_no="ORD1", logistics_no="LN1"
        ),
        "cancel": b.cancel_entry(agent=p, ebc=p, cop_no="COP1", invt_no="22442026E000000001"),
        "departure": b.departure_entry(logistics=p, logistics_nos=["LN1", "LN2"]),
    }


@pytest.mark.parametrize("kind", ["order", "payment", "waybill", "inventory", "cancel", "departure"])
def test_a_valid_message_of_each_kind_gives_the_same_entry_as_json(kind):
    entry = entries_by_kind()[kind]
    message = ceb.parse_message(b.message(kind, [entry]))
    assert message.kind.kind == kind
    from_xml = SERIALIZERS[kind](message.entities[0])
    from_json = SERIALIZERS[kind](entry)
    assert from_xml.is_valid(), from_xml.errors
    assert from_json.is_valid(), from_json.errors
    assert from_xml.validated_data == from_json.validated_data


def test_entries_are_typed_as_the_contract_says():
    serializer = SERIALIZERS["inventory"](entries_by_kind()["inventory"])
    assert serializer.is_valid(), serializer.errors
    data = serializer.validated_data
    assert data["freight"] == Decimal("10") and isinstance(data["freight"], Decimal)
    assert data["packNo"] == 1
    assert data["POD"] == "USA"
    assert data["note"] == ""  # absent optional string
    assert "qty2" not in data["lines"][0]  # absent optional number
    assert data["lines"][0]["gnum"] == 1
    assert data["lines"][0]["totalPrice"] == Decimal("100")


def test_a_signature_is_accepted_and_flagged_but_not_required():
    entry = entries_by_kind()["order"]
    assert ceb.parse_message(b.message("order", [entry], signature=b.SIGNATURE)).signed is True
    assert ceb.parse_message(b.message("order", [entry])).signed is False


def test_the_official_sample_with_base_transfer_twice_fails_the_schema_with_code_0002():
    with pytest.raises(ceb.MessageRefused) as refused:
        ceb.parse_message((SAMPLES / "CEB303Message.xml").read_bytes())
    assert refused.value.code == "0002"
    assert refused.value.info.startswith("0002: ")
    assert "ceb:BaseTransfer" in refused.value.info and "not expected" in refused.value.info


def test_billion_laughs_is_refused_without_expansion():
    body = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<ceb:CEB303Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="x" version="1.0">&lol3;</ceb:CEB303Message>"""
    with pytest.raises(ceb.MessageRefused) as refused:
        ceb.parse_message(body)
    assert refused.value.code == "0001"
    assert "lollol" not in refused.value.info


def test_an_external_entity_is_never_read():
    body = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ceb:CEB303Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="x" version="1.0"><ceb:x>&xxe;</ceb:x></ceb:CEB303Message>"""
    with pytest.raises(ceb.MessageRefused) as refused:
        ceb.parse_message(body)
    assert "root:" not in refused.value.info


def test_an_entity_hidden_after_a_long_prologue_is_refused_too():
    body = (
        b'<?xml version="1.0"?>'
        + b"<!-- "
        + b"x" * 10000
        + b" -->"
        + b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>'
    )
    with pytest.raises(ceb.MessageRefused) as refused:
        ceb.parse_message(body)
    assert "root:" not in refused.value.info


def test_a_body_over_ten_megabytes_is_refused_before_parsing():
    with pytest.raises(ceb.MessageRefused) as refused:
        ceb.parse_message(b"<" + b"a" * (ceb.MAX_MESSAGE_BYTES + 1))
    assert refused.value.code == ceb.CODE_TOO_LARGE


def test_an_unknown_root_is_named_in_the_refusal():
    with pytest.raises(ceb.MessageRefused) as refused:
        ceb.parse_message((SAMPLES / "CEB604Message.xml").read_bytes())
    assert refused.value.code == "0003"
    assert "CEB604Message" in refused.value.info and "CEB303Message" in refused.value.info


def test_not_well_formed_xml_is_refused():
    with pytest.raises(ceb.MessageRefused) as refused:
        ceb.parse_message(b"<ceb:CEB303Message")
    assert refused.value.code == "0001"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("orderNo", "", "is required"),
        ("orderNo", "x" * 61, "at most 60 characters"),
        ("currency", "14", "exactly 3 characters"),
        ("goodsValue", "1.123456", "at most 5 decimal places"),
        ("goodsValue", "12345678901234567890", "at most 19 digits"),
        ("goodsValue", "abc", "decimal number"),
        ("goodsValue", True, "decimal number"),
        ("ebpCode", 3100000001, "must be a string"),
    ],
)
def test_json_fields_follow_the_schema_constraints(field, value, reason):
    entry = entries_by_kind()["order"]
    entry[field] = value
    serializer = SERIALIZERS["order"](entry)
    assert not serializer.is_valid()
    assert any(error.startswith(f"{field}: ") and reason in error for error in serializer.errors), (
        serializer.errors
    )


def test_line_errors_name_the_line_and_field():
    entry = entries_by_kind()["inventory"]
    entry["lines"][0]["gcode"] = "85182200"
    entry["lines"][0]["gnum"] = "one"
    serializer = SERIALIZERS["inventory"](entry)
    assert not serializer.is_valid()
    assert "lines[1].gcode: must be exactly 10 characters (got 8)" in serializer.errors
    assert "lines[1].gnum: must be a whole number" in serializer.errors


def test_missing_fields_and_unknown_fields_are_reported():
    entry = entries_by_kind()["payment"]
    del entry["charge"]
    entry["colour"] = "red"
    serializer = SERIALIZERS["payment"](entry)
    assert not serializer.is_valid()
    assert "charge: is required" in serializer.errors
    assert "colour: is not a field of this message" in serializer.errors


def test_json_numbers_are_accepted_for_decimals():
    entry = entries_by_kind()["order"]
    entry["freight"] = Decimal("12.30")
    entry["lines"][0]["qty"] = 2
    serializer = SERIALIZERS["order"](entry)
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["freight"] == Decimal("12.30")
    assert serializer.validated_data["lines"][0]["qty"] == Decimal(2)


def test_an_entry_without_lines_is_refused_where_the_message_has_lines():
    entry = entries_by_kind()["order"]
    entry["lines"] = []
    serializer = SERIALIZERS["order"](entry)
    assert not serializer.is_valid()
    assert "lines: at least one line is required" in serializer.errors
