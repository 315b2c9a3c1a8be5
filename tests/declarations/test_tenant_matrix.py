"""No enterprise touches another's data through the intake (issue 10: cross-tenant writes).

The matrix: every kind × every appType × every kind of outsider (an unrelated enterprise, an
e-commerce enterprise that shares the victim's customs broker, one that shares its platform),
through the JSON endpoints and the CEB XML endpoint alike. For each case:

- the victim's record is exactly as it was (row and lines);
- a change, delete, cancellation, departure or goods edit is answered exactly as if the record
  did not exist (the same receipt, word for word, as the same entry naming a key nobody holds);
- a new entry on a taken key is refused without naming the victim, its record's state or number.

The owner's own change goes through in each row of the matrix, so the cases can tell.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from declarations.models import (
    Departure,
    Goods,
    Inventory,
    InventoryCancelRequest,
    InventoryLine,
    InventoryStatus,
    Order,
    OrderLine,
    Payment,
    Waybill,
)
from declarations.transit.models import Arrival, ListTransit, WaybillSummary

from . import ceb_builders as b
from . import in_english
from .parcels import make_cast, parcel, register_goods

_english = in_english._english
api_client_for = in_english.api_client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_random_inspection")]

JSON_PATHS = b.JSON_ENDPOINTS


@dataclass
class World:
    victim: object  # the cast whose records are attacked (platform, ebc, broker, logistics, payment)
    outsiders: dict  # role name -> the attacking enterprise
    stored: dict  # a parcel whose list is temporarily stored by the broker
    released: dict  # a parcel declared and released (for cancellations and departures)
    goods: Goods


@pytest.fixture
def world(enterprise_factory, authorization_factory):
    victim = make_cast(enterprise_factory, pilot_zone=True)
    register_goods(victim.ebc)
    today = timezone.localdate()
    authorization_factory(
        victim.ebc, victim.broker, scope="export", valid_from=today, valid_to=today + dt.timedelta(30)
    )
    # every role, so that no attack fails for want of a role: only the record's parties decide
    roles = ("platform", "ecommerce", "owner", "broker", "logistics", "payment")
    unrelated = enterprise_factory(roles=roles)
    shared_broker = enterprise_factory(roles=roles)  # a client of the victim's broker
    authorization_factory(
        shared_broker, victim.broker, scope="export", valid_from=today, valid_to=today + dt.timedelta(30)
    )
    shared_platform = enterprise_factory(roles=roles)  # sells on the victim's platform too
    register_goods(shared_platform)

    from declarations.intake import intake_entries

    def send(kind, entry, sender):
        [receipt] = intake_entries(kind=kind, entries=[entry], sender=sender).receipts
        assert receipt.status == "accepted", receipt
        return receipt

    stored = parcel(victim, agent=victim.broker, app_status="1")
    released = parcel(victim, agent=victim.broker)
    for p in (stored, released):
        send("order", p["order"], victim.platform)
        send("payment", p["payment"], victim.payment)
        send("waybill", p["waybill"], victim.logistics)
        send("inventory", p["inventory"], victim.broker)
    # the released parcel in a total package of the victim's carrier (CEB607)
    send(
        "waybill_summary",
        b.waybill_summary_entry(
            logistics=victim.logistics, lines=[(released["inventory"]["logisticsNo"], "PKG-V", "")]
        ),
        victim.logistics,
    )
    # the shared platform's own order on the same platform, so that it is a real neighbour
    neighbour = b.order_entry(ebp=victim.platform, ebc=shared_platform)
    send("order", neighbour, victim.platform)
    assert Inventory.objects.get(cop_no=released["inventory"]["copNo"]).status == InventoryStatus.RELEASED
    assert Inventory.objects.get(cop_no=stored["inventory"]["copNo"]).status == InventoryStatus.STORED
    return World(
        victim=victim,
        outsiders={
            "unrelated": unrelated,
            "shared_broker": shared_broker,
            "shared_platform": shared_platform,
        },
        stored=stored,
        released=released,
        goods=victim.ebc.goods.get(),
    )


# --- what an attack may not change ---------------------------------------------------------------
def snapshot():
    """Every intake record with its lines, as plain values."""

    def rows(model):
        return sorted(
            (model_to_dict(obj) for obj in model.objects.all()),
            key=lambda row: row.get("id") or row.get("inventory"),
        )

    return {
        model.__name__: rows(model)
        for model in (
            Order,
            OrderLine,
            Payment,
            Waybill,
            Inventory,
            InventoryLine,
            InventoryCancelRequest,
            Departure,
            Goods,
            ListTransit,
            Arrival,
            WaybillSummary,
        )
    }


def victim_marks(world, entry: dict) -> list[str]:
    """What a receipt to an outsider must never say: the victim's codes, names, list numbers and
    states (less what the outsider wrote in its own entry: an echo tells it nothing new)."""
    v = world.victim
    numbers = Inventory.objects.exclude(invt_no=None).values_list("invt_no", flat=True)
    marks = [v.ebc.customs_code, v.ebc.name, v.broker.name, *numbers]
    marks += [str(label) for label in InventoryStatus.labels]
    marks += [f"({value})" for value in InventoryStatus.values]  # "already used by another list (stored)"
    sent = {str(value) for value in entry.values()}
    return [mark for mark in marks if mark and mark not in sent]


# --- the attacks --------------------------------------------------------------------------------
def attack_entry(world, kind, outsider, app_type, *, key=None):
    """The entry an outsider sends to reach the victim's record of ``kind`` (or ``key`` instead)."""
    v = world.victim
    stored, released = world.stored, world.released
    if kind == "order":
        entry = dict(stored["order"], ebcCode=outsider.customs_code, ebcName=outsider.name[:100])
        entry["orderNo"] = key or entry["orderNo"]
    elif kind == "payment":
        entry = dict(stored["payment"], payCode=outsider.customs_code, payName=outsider.name[:100])
        entry["orderNo"] = key or entry["orderNo"]
    elif kind == "waybill":
        # a waybill is keyed by its carrier: the outsider can only name itself as carrier
        entry = dict(
            stored["waybill"], logisticsCode=outsider.customs_code, logisticsName=outsider.name[:100]
        )
        entry["logisticsNo"] = key or entry["logisticsNo"]
    elif kind == "inventory":
        # the victim's broker's numbering, with the outsider as e-commerce enterprise
        entry = dict(stored["inventory"], ebcCode=outsider.customs_code, ebcName=outsider.name[:100])
        entry["ownerCode"], entry["ownerName"] = outsider.customs_code, outsider.name[:100]
        entry["copNo"] = key or entry["copNo"]
    elif kind == "cancel":
        inv = Inventory.objects.get(cop_no=released["inventory"]["copNo"])
        entry = b.cancel_entry(agent=v.broker, ebc=outsider, cop_no=key or inv.cop_no, invt_no=inv.invt_no)
    elif kind == "departure":
        entry = b.departure_entry(
            logistics=outsider, logistics_nos=[key or released["inventory"]["logisticsNo"]]
        )
    elif kind == "waybill_summary":  # the outsider groups the victim's released parcel
        entry = b.waybill_summary_entry(
            logistics=outsider, lines=[(key or released["inventory"]["logisticsNo"], "PKG-V", "")]
        )
    elif kind == "arrival":  # the outsider reports the victim's released parcel arrived
        entry = b.arrival_entry(logistics=outsider, lines=[(key or released["inventory"]["logisticsNo"], "")])
    else:
        raise AssertionError(kind)
    return dict(entry, guid=b.guid(), appType=app_type)


def post(client, kind, entry, via):
    if via == "json":
        response = client.post(JSON_PATHS[kind], {"entries": [entry]}, format="json")
    else:
        response = client.generic(
            "POST", "/api/v1/messages/", b.message(kind, [entry]), content_type="application/xml"
        )
    assert response.status_code in (200, 403), response.content
    [receipt] = response.json()
    return receipt


MATRIX = [
    (kind, app_type)
    for kind in ("order", "payment", "waybill", "inventory")
    for app_type in ("1", "2", "3")
    if (kind, app_type) != ("waybill", "1")  # the outsider's own waybill number: tested below
] + [("cancel", "1"), ("departure", "1"), ("waybill_summary", "1"), ("arrival", "1")]
OUTSIDERS = ["unrelated", "shared_broker", "shared_platform"]
ATTACKED_KEY = {
    "order": "orderNo",
    "payment": "orderNo",
    "waybill": "logisticsNo",
    "inventory": "copNo",
    "cancel": "copNo",
    "departure": "lines",
    "waybill_summary": "lines",
    "arrival": "lines",
}
# the reports that name the victim's parcels in their lines (declarations.transit)
BY_PARCEL = ("cancel", "departure", "waybill_summary", "arrival")


def attacked_key(kind, entry) -> str:
    return entry["lines"][0]["logisticsNo"] if ATTACKED_KEY[kind] == "lines" else entry[ATTACKED_KEY[kind]]


@pytest.mark.parametrize("via", ["json", "xml"])
@pytest.mark.parametrize("outsider_role", OUTSIDERS)
@pytest.mark.parametrize(("kind", "app_type"), MATRIX)
def test_an_outsider_cannot_touch_the_record_and_learns_nothing_of_it(
    world, api_client_for, kind, app_type, outsider_role, via
):
    outsider = world.outsiders[outsider_role]
    client = api_client_for(outsider)
    before = snapshot()
    entry = attack_entry(world, kind, outsider, app_type)

    receipt = post(client, kind, entry, via)

    assert snapshot() == before, f"{outsider_role} changed the victim's {kind}"
    assert receipt["status"] == "rejected"
    for mark in victim_marks(world, entry):
        assert mark not in receipt["info"], f"the receipt names {mark!r}: {receipt['info']}"
    if app_type != "1" or kind in BY_PARCEL:
        # exactly the answer to the same entry naming a key nobody holds
        unknown = f"NOBODY{kind[:3].upper()}{app_type}"
        control = post(client, kind, attack_entry(world, kind, outsider, app_type, key=unknown), via)
        assert control["status"] == "rejected"
        assert receipt["info"] == control["info"].replace(unknown, attacked_key(kind, entry))


@pytest.mark.parametrize("outsider_role", OUTSIDERS)
def test_an_outsiders_waybill_under_the_same_number_is_its_own_and_leaves_the_victims(
    world, api_client_for, outsider_role
):
    """A waybill is keyed by its carrier: the same number from another carrier is another waybill."""
    outsider = world.outsiders[outsider_role]
    victims = model_to_dict(Waybill.objects.get(logistics_no=world.stored["waybill"]["logisticsNo"]))
    receipt = post(api_client_for(outsider), "waybill", attack_entry(world, "waybill", outsider, "1"), "json")
    assert receipt["status"] == "accepted"
    assert model_to_dict(Waybill.objects.get(pk=victims["id"])) == victims
    assert Waybill.objects.filter(logistics_no=victims["logistics_no"], sender=outsider).count() == 1


OWNER_SENDS = {
    "order": "platform",
    "payment": "payment",
    "waybill": "logistics",
    "inventory": "broker",
}


@pytest.mark.parametrize("via", ["json", "xml"])
@pytest.mark.parametrize("kind", ["order", "payment", "waybill", "inventory"])
def test_the_owner_changes_and_deletes_its_own_record(world, api_client_for, kind, via):
    """The control row of the matrix: the same paths work for the record's own party."""
    client = api_client_for(getattr(world.victim, OWNER_SENDS[kind]))
    entry = dict(world.stored[kind], guid=b.guid(), appType="2", note="changed by its owner")
    assert post(client, kind, entry, via)["status"] == "accepted"
    model = {"order": Order, "payment": Payment, "waybill": Waybill, "inventory": Inventory}[kind]
    key_field, column = {"waybill": ("logisticsNo", "logistics_no"), "inventory": ("copNo", "cop_no")}.get(
        kind, ("orderNo", "order_no")
    )
    assert model.objects.get(**{column: entry[key_field]}).note == "changed by its owner"
    if kind != "order":  # the order is relied on by nothing stored; delete it last below
        delete = dict(entry, guid=b.guid(), appType="3")
        assert post(client, kind, delete, via)["status"] == "accepted"
        assert not model.objects.filter(**{column: entry[key_field]}).exists()


@pytest.mark.parametrize("outsider_role", OUTSIDERS)
def test_an_outsider_cannot_cancel_or_depart_the_victims_released_list(world, api_client_for, outsider_role):
    outsider = world.outsiders[outsider_role]
    client = api_client_for(outsider)
    for kind in ("cancel", "departure"):
        post(client, kind, attack_entry(world, kind, outsider, "1"), "json")
    inv = Inventory.objects.get(cop_no=world.released["inventory"]["copNo"])
    assert inv.status == InventoryStatus.RELEASED and not inv.cancel_requests.exists()


@pytest.mark.parametrize("outsider_role", OUTSIDERS)
def test_an_outsider_neither_reads_nor_edits_the_victims_goods(world, api_client_for, outsider_role):
    client = api_client_for(world.outsiders[outsider_role])
    before = snapshot()
    url = f"/api/v1/goods/{world.goods.pk}/"
    missing = f"/api/v1/goods/{Goods.objects.order_by('-pk').first().pk + 1000}/"
    assert client.get(url).status_code == client.get(missing).status_code == 404
    for path in (url, missing):
        assert client.patch(path, {"name": "stolen"}, format="json").status_code == 404
    assert client.get(url).json() == client.get(missing).json()
    assert snapshot() == before
    listed = client.get("/api/v1/goods/").json()
    items = listed["results"] if isinstance(listed, dict) else listed
    assert world.goods.pk not in {item["id"] for item in items}
