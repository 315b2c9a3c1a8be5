"""The XML fast path (entities typed straight from the schema-valid tree, no serializer) stores
exactly what the serializer path stores: the same rows, the same receipts, the same refusals."""

import datetime as dt
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import models, transaction
from django.utils import timezone, translation

from declarations import ceb, intake
from declarations.serializers import SERIALIZERS, xml_entry

from . import ceb_builders as b
from .parcels import make_cast, parcel, register_goods

KINDS = ["order", "payment", "waybill", "inventory", "cancel", "departure"]
PARTY = SimpleNamespace(customs_code="3100000001", name="Test Trading 有限公司")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def sample_entries():
    """One entry per kind, with the values where typing could go wrong: whitespace in fields the
    schema collapses, trailing zeros, optional fields left out, an empty optional string."""
    p = PARTY
    inventory = b.inventory_entry(
        ebp=p, ebc=p, agent=p, owner=p, logistics=p, order_no="ORD1", logistics_no="LN1",
        lines=[
            {"itemNo": "SKU-1", "gcode": "8518220000", "qty": "2.000", "price": "50.50",
             "totalPrice": "101.0"},
            {"itemNo": "SKU-2", "gcode": "8518220000", "qty": "1", "price": "7", "totalPrice": "7"},
        ],
    )  # fmt: skip
    inventory["POD"] = "  U\tSA  "
    inventory["lines"][0]["gmodel"] = "  two   words "
    waybill = b.waybill_entry(logistics=p)
    waybill["goodsInfo"] = " speakers \n and  cables "
    cancel = b.cancel_entry(agent=p, ebc=p, cop_no="COP1", invt_no="22442026E000000001")
    cancel["reason"] = "  changed   mind "
    return {
        "order": b.order_entry(ebp=p, ebc=p, freight="10.500"),
        "payment": b.payment_entry(ebp=p, ebc=p, pay=p, order_no="ORD1", charge="110.00"),
        "waybill": waybill,
        "inventory": inventory,
        "cancel": cancel,
        "departure": b.departure_entry(logistics=p, logistics_nos=["LN1", "LN2", "LN3"]),
    }


@pytest.mark.parametrize("kind", KINDS)
def test_the_fast_path_types_an_entity_exactly_as_the_serializer_does(kind):
    message = ceb.parse_message(b.message(kind, [sample_entries()[kind]]))
    [element] = message.entity_elements()
    raw, typed = xml_entry(element, kind)
    serializer = SERIALIZERS[kind](ceb.entity_dict(element, message.kind))
    assert serializer.is_valid(), serializer.errors
    assert typed == serializer.validated_data
    # the types too (Decimal("10.5") == 10.5 would hide a float)
    assert {k: type(v) for k, v in typed.items()} == {
        k: type(v) for k, v in serializer.validated_data.items()
    }
    whole = ceb.entity_dict(element, message.kind)
    assert raw == {k: v for k, v in whole.items() if k != "lines"}


def test_collapsed_fields_are_collapsed_and_numbers_typed():
    message = ceb.parse_message(b.message("inventory", [sample_entries()["inventory"]]))
    _raw, typed = xml_entry(message.entity_elements()[0], "inventory")
    assert typed["POD"] == "U SA"
    assert typed["lines"][0]["gmodel"] == "two words"
    assert typed["lines"][0]["qty"] == Decimal("2.000") and isinstance(typed["lines"][0]["qty"], Decimal)
    assert typed["lines"][0]["gnum"] == 1
    assert typed["note"] == ""  # absent optional string
    assert "qty2" not in typed["lines"][0]  # absent optional number


def test_a_blank_key_leaves_the_fast_path_and_is_refused_by_the_serializer():
    entry = b.order_entry(ebp=PARTY, ebc=PARTY, order_no="   ")
    message = ceb.parse_message(b.message("order", [entry]))
    assert xml_entry(message.entity_elements()[0], "order") is None
    [prepared] = intake.prepared_entries(message)
    assert prepared.data is None
    serializer = SERIALIZERS["order"](prepared.raw)
    assert not serializer.is_valid()
    assert serializer.errors == ["orderNo: is required"]


def test_a_kind_without_the_fast_path_keeps_the_dicts_of_strings():
    message = ceb.parse_message(b.message("order", [sample_entries()["order"]]))
    assert xml_entry(message.entity_elements()[0], "some-new-kind") is None
    # the public interface stays: entities as dicts of strings, built on demand
    assert message.entity_count == 1
    assert message.entities[0]["currency"] == "142"
    assert message.entities[0]["lines"][0]["itemNo"] == "SKU-1"


# --- the same stored rows -----------------------------------------------------------------
SNAPSHOT_APPS = ("declarations", "exchange", "channels")
SKIPPED_MODELS = {"Goods", "InspectionSetting", "RiskRule", "ExchangeRate", "CallbackEndpoint"}


def _snapshot() -> dict:
    """Every row the intake wrote, without what differs between two runs by construction (ids,
    times, generated uuids, links between the rows written)."""
    written = [
        model
        for config in apps.get_app_configs()
        if config.label in SNAPSHOT_APPS
        for model in config.get_models()
        if model.__name__ not in SKIPPED_MODELS
    ]
    out = {}
    for model in written:
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if not field.primary_key
            and not isinstance(field, models.DateTimeField)
            and not (field.is_relation and field.related_model in written)
            and field.default is not uuid.uuid4
        ]
        assert names, model
        rows = sorted(repr(row) for row in model.objects.values_list(*names))
        if rows:
            out[model.__name__] = rows
    return out


class _Rollback(Exception):
    pass


def _run(path, messages, senders):
    """Send the messages through one path; the rows written and the answers."""
    answers = []
    for kind, body, role in messages:
        sender = getattr(senders, role)
        if path == "fast":
            result = intake.intake_message(body=body, sender=sender)
        else:  # the serializer path: every entity as a dict of strings
            parsed = ceb.parse_message(body)
            result = intake.intake_entries(kind=kind, entries=parsed.entities, sender=sender)
        answers.append(result.as_list())
    return _snapshot(), answers


def _in_savepoint(function, *args):
    """Run and roll back: the second path starts from the same database as the first."""
    box = {}
    try:
        with transaction.atomic():
            box["result"] = function(*args)
            raise _Rollback
    except _Rollback:
        pass
    return box["result"]


@pytest.fixture
def cast(db, enterprise_factory, authorization_factory):
    from declarations.channels.models import InspectionSetting

    InspectionSetting.objects.create(rate=0)
    cast = make_cast(enterprise_factory, pilot_zone=True)
    register_goods(cast.ebc)
    today = timezone.localdate()
    authorization_factory(
        cast.ebc, cast.broker, scope="export", valid_from=today, valid_to=today + dt.timedelta(days=30)
    )
    return cast


def test_the_fast_path_stores_the_same_rows_and_receipts_as_the_serializer_path(cast):
    first, second, third = parcel(cast), parcel(cast), parcel(cast)
    foreign = parcel(cast)  # an inventory sent under another enterprise's key: refused for sender
    blank = parcel(cast)
    blank["order"]["orderNo"] = "  "  # refused by the portal's stricter rule
    resent = dict(first["order"])  # the same order again: a duplicate
    changed = dict(second["waybill"], appType="2", freight="12.50")  # a change of a waybill
    orders = [first["order"], second["order"], third["order"], blank["order"]]
    messages = [
        ("order", b.message("order", orders), "platform"),
        ("order", b.message("order", [resent]), "platform"),
        ("payment", b.message("payment", [first["payment"], second["payment"], third["payment"]]), "payment"),
        (
            "waybill",
            b.message("waybill", [first["waybill"], second["waybill"], third["waybill"]]),
            "logistics",
        ),
        ("waybill", b.message("waybill", [changed]), "logistics"),
        ("inventory", b.message("inventory", [first["inventory"], second["inventory"]]), "ebc"),
        ("inventory", b.message("inventory", [third["inventory"]]), "ebc"),
        # the broker sends a list whose agent is the seller: refused, the key is not its party
        ("inventory", b.message("inventory", [foreign["inventory"]]), "broker"),
    ]
    old_rows, old_answers = _in_savepoint(_run, "serializer", messages, cast)
    new_rows, new_answers = _in_savepoint(_run, "fast", messages, cast)
    assert new_answers == old_answers
    assert new_rows == old_rows
    # and the run did what it says: lists stored, a duplicate, a refusal, receipts kept
    statuses = [answer["status"] for answers in new_answers for answer in answers]
    assert statuses[4] == "duplicate", statuses  # the order sent again
    assert "rejected" in statuses
    assert "Inventory" in new_rows and "InventoryLine" in new_rows and "Receipt" in new_rows
    assert "IntakeRejection" in new_rows


def test_a_list_refused_for_its_sender_is_kept_whole_in_the_error_log(cast):
    from declarations.models import IntakeRejection

    entries = parcel(cast)
    result = intake.intake_message(body=b.message("inventory", [entries["inventory"]]), sender=cast.broker)
    assert [receipt.status for receipt in result.receipts] == ["rejected"]
    rejection = IntakeRejection.objects.get()
    assert rejection.payload["lines"][0]["itemNo"] == "SKU-1"  # the lines as sent, not just the head
    assert rejection.payload["copNo"] == entries["inventory"]["copNo"]
