"""History entries and return reasons are read in the reader's language, whoever wrote them.

Everything is produced by one side in one language (the intake, the officers, the trader, the
portal) and read by the other side in the other language, through the trader pages, the
admin pages and the API. A sentence of the writer's language anywhere fails.
"""

import datetime as dt
import html

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from authorization.models import Authorization, AuthorizationHistory
from authorization.services import PARTY_RENAMED, authorizations_mark_party_renamed
from customs_portal import texts
from customs_portal.codes import Currency
from declarations import comparison
from declarations.channels import services as channels
from declarations.intake import intake_entries
from declarations.models import Inventory, InventoryStatus
from declarations.services import goods as goods_services
from declarations.services.inventories import DECLARED
from registration.models import Enterprise
from registration.services import FIELD_CHANGE, PROFILE_CHANGED, enterprise_profile_update

from .parcels import make_cast, parcel, register_goods

pytestmark = pytest.mark.usefixtures("no_random_inspection")

SENDER = {"order": "platform", "payment": "payment", "waybill": "logistics", "inventory": "ebc"}
NEW_PHONE = "13900001111"


def _send(cast, p):
    for kind in ("order", "payment", "waybill", "inventory"):
        intake_entries(kind=kind, entries=[p[kind]], sender=getattr(cast, SENDER[kind]))
    return Inventory.objects.get(cop_no=p["inventory"]["copNo"])


def _approved_authorization(principal, agent) -> Authorization:
    fields = {
        f"{party}_{name}": getattr(enterprise, name)
        for party, enterprise in (("principal", principal), ("agent", agent))
        for name in ("name", "uscc", "contact_name", "contact_phone", "contact_email")
    }
    authorization = Authorization(
        principal=principal,
        agent=agent,
        scope="both",
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2099, 12, 31),
        initiated_by="principal",
        number="WT2026R0000001",
        **fields,
    )
    authorization.__dict__["status"] = "approved"  # protected FSM field: set once, at creation
    authorization.save()
    return authorization


def _client(client, user, language):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _page(client, url, language) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, (url, response.status_code)
    return html.unescape(response.content.decode())


def _reads_only(page: str, expected: list, reader: str, writer: str, where: str) -> None:
    """Every expected text is on the page in the reader's language, none in the writer's."""
    for value in expected:
        right, wrong = texts.render(value, reader), texts.render(value, writer)
        assert right != wrong, f"{value} has no translation: the test would prove nothing"
        assert right in page, f"{where}: {right!r} missing for a {reader} reader"
        assert wrong not in page, f"{where}: {wrong!r} shown to a {reader} reader"


@pytest.fixture
def world(enterprise_factory, trader_factory, staff_factory, staff_groups, request):
    """Lists, goods, an authorization and an enterprise, every note written in ``writer``."""
    writer = request.param
    with translation.override(writer):
        cast = make_cast(enterprise_factory, pilot_zone=True)
        register_goods(cast.ebc)
        trader = trader_factory(cast.ebc)
        officer = staff_factory("risk_officer")
        # a list returned by the comparison: two reasons, one naming currencies
        bad = parcel(cast)
        bad["order"]["goodsValue"] = "150"
        bad["inventory"]["lines"][0]["currency"] = "502"
        returned = _send(cast, bad)
        # a list released green, pulled back to the red channel, then released by an officer
        released = _send(cast, parcel(cast))
        channels.released_list_pull_back(inventory=released, actor=officer)
        channels.red_list_release(inventory=Inventory.objects.get(pk=released.pk), actor=officer)
        # goods registered by the trader
        goods = goods_services.goods_create(
            enterprise=cast.ebc,
            actor=trader,
            data={
                "item_no": "SKU-9", "name": "Speaker", "description": "Portable", "gcode": "8518220000",
                "unit": "007", "unit1": "007", "licence": False, "export_duty": False, "export_rebate": False,
            },
        )  # fmt: skip
        # an authorization whose agent changed its name
        authorization = _approved_authorization(cast.ebc, cast.broker)
        authorizations_mark_party_renamed(enterprise=cast.broker, old_name="Old Broker 旧名")
        # the enterprise's profile changed by its administrator
        old_phone = cast.ebc.contact_phone
        enterprise_profile_update(enterprise=cast.ebc, actor=trader, data={"contact_phone": NEW_PHONE})
    return {
        "writer": writer,
        "cast": cast,
        "trader": trader,
        "officer": officer,
        "returned": Inventory.objects.get(pk=returned.pk),
        "released": Inventory.objects.get(pk=released.pk),
        "goods": goods,
        "authorization": authorization,
        "old_phone": old_phone,
    }


OTHER = {"zh-hans": "en", "en": "zh-hans"}


@pytest.mark.parametrize("world", ["zh-hans", "en"], indirect=True)
def test_history_and_return_reasons_are_read_in_the_readers_language(
    world, client, reviewer, otp_client_factory
):
    writer = world["writer"]
    reader = OTHER[writer]
    cast, returned, released = world["cast"], world["returned"], world["released"]
    assert returned.status == InventoryStatus.RETURNED and released.status == InventoryStatus.RELEASED

    total = texts.stored(comparison.TOTAL_DIFFERS, total="100.00", value="150.00")
    currency = texts.stored(
        comparison.LINE_CURRENCY, line=texts.code(Currency, "502"), order=texts.code(Currency, "142")
    )
    charge = texts.stored(comparison.CHARGE_SHORT, charge="110.00", due="160.00")
    returned_notes = [texts.stored(DECLARED), total, currency, charge]
    released_notes = [
        texts.stored(DECLARED),
        texts.stored(channels.ROUTED_GREEN),
        texts.stored(channels.ROUTED_RED),
        texts.stored(channels.RELEASED_AFTER_REVIEW),
    ]
    statuses = [texts.choice(InventoryStatus, s) for s in ("declared", "returned")]
    goods_notes = [texts.stored(goods_services.REGISTERED)]
    renamed = texts.stored(PARTY_RENAMED, old="Old Broker 旧名", new=cast.broker.name)
    profile = texts.stored(
        PROFILE_CHANGED,
        changes=[
            texts.stored(
                FIELD_CHANGE,
                field=texts.field_label(Enterprise, "contact_phone"),
                old=world["old_phone"],
                new=NEW_PHONE,
            )
        ],
    )

    # the trader's pages
    trader = _client(client, world["trader"], reader)
    page = _page(trader, reverse("declarations:inventory_detail", args=[returned.pk]), reader)
    _reads_only(page, [*returned_notes, *statuses], reader, writer, "returned list")
    page = _page(trader, reverse("declarations:inventory_detail", args=[released.pk]), reader)
    _reads_only(page, released_notes, reader, writer, "released list timeline")
    page = _page(trader, reverse("declarations:clearance_errors"), reader)
    names = [texts.code(Currency, "502"), texts.code(Currency, "142")]  # codes read with their names
    _reads_only(page, [total, currency, charge, *names], reader, writer, "clearance error log")
    page = _page(trader, reverse("declarations:goods_detail", args=[world["goods"].pk]), reader)
    _reads_only(page, goods_notes, reader, writer, "goods timeline")
    page = _page(trader, reverse("authorization:detail", args=[world["authorization"].pk]), reader)
    _reads_only(page, [renamed], reader, writer, "authorization timeline")
    page = _page(trader, reverse("registration:profile"), reader)
    _reads_only(page, [profile], reader, writer, "enterprise history")

    # the admin: history inlines and the officers' queue
    admin = otp_client_factory(reviewer)
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = reader
    page = _page(admin, reverse("admin:declarations_goods_change", args=[world["goods"].pk]), reader)
    _reads_only(page, goods_notes, reader, writer, "goods history inline")
    page = _page(
        admin, reverse("admin:authorization_authorization_change", args=[world["authorization"].pk]), reader
    )
    _reads_only(page, [renamed], reader, writer, "authorization history inline")
    page = _page(admin, reverse("admin:registration_enterprise_change", args=[cast.ebc.pk]), reader)
    _reads_only(page, [profile], reader, writer, "enterprise history inline")
    officer = otp_client_factory(world["officer"])
    officer.cookies[settings.LANGUAGE_COOKIE_NAME] = reader
    page = _page(officer, reverse("admin:channels_releasedlist_change", args=[released.pk]), reader)
    _reads_only(
        page, [*released_notes[1:], texts.stored(channels.PULLED_BACK)], reader, writer, "officer's timeline"
    )

    # the API, in the language of the request
    from rest_framework.test import APIClient

    from registration.models import EnterpriseAPIKey

    _key, secret = EnterpriseAPIKey.objects.create_key(name="reader", enterprise=cast.ebc)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    body = api.get("/api/v1/inventories/", {"status": "returned"}, HTTP_ACCEPT_LANGUAGE=reader).json()
    rows = body.get("results", body) if isinstance(body, dict) else body
    [row] = [r for r in rows if r["copNo"] == returned.cop_no]
    assert row["returnReasons"] == [
        {"field": "totalPrice", "reason": texts.render(total, reader)},
        {"field": "lines[1].currency", "reason": texts.render(currency, reader)},
        {"field": "charge", "reason": texts.render(charge, reader)},
    ]
    body = api.get(f"/api/v1/authorizations/{world['authorization'].pk}/", HTTP_ACCEPT_LANGUAGE=reader).json()
    reasons = [entry["reason"] for entry in body["history"]]
    assert texts.render(renamed, reader) in reasons and texts.render(renamed, writer) not in reasons
    assert AuthorizationHistory.objects.filter(authorization=world["authorization"]).exists()


def test_rows_written_before_stored_texts_and_typed_reasons_are_shown_as_they_were(
    client, enterprise, trader
):
    from declarations.models import InventoryHistory

    from .inventory_rows import make_inventory

    inventory = make_inventory(
        ebc=enterprise, status="returned", return_reasons=[{"field": "orderNo", "reason": "旧的退单原因"}]
    )
    # an entry of the intake (actor "system") and an officer's own words
    InventoryHistory.objects.create(
        inventory=inventory, actor_label="system", from_status="returned", to_status="returned",
        reason="Goods differ from the list 货物不符",
    )  # fmt: skip
    page = _page(
        _client(client, trader, "zh-hans"), reverse("declarations:inventory_detail", args=[inventory.pk]), ""
    )
    assert "旧的退单原因" in page and "Goods differ from the list 货物不符" in page
    with translation.override("zh-hans"):
        assert f"· {translation.gettext('the portal (automatic)')} ·" in page
    assert "· system ·" not in page
