"""The trader's pages and the admin: declaration on collection on the enterprise's page, the
lists' trade mode, total package and arrival; other enterprises, anonymous callers and staff
without the role see none of it."""

import pytest

from declarations.intake import intake_entries
from declarations.models import Inventory
from declarations.transit.models import ArrivalRequiredCustoms, AutoDeclaration, ListTransit
from registration.models import EnterpriseHistory

from . import ceb_builders as b
from . import in_english
from .parcels import make_cast, parcel, register_goods

_english = in_english._english
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_random_inspection")]
ROLE = {"order": "platform", "payment": "payment", "waybill": "logistics", "inventory": "ebc"}


@pytest.fixture
def cast(enterprise_factory):
    cast = make_cast(enterprise_factory, pilot_zone=True)
    register_goods(cast.ebc)
    return cast


@pytest.fixture
def arrived(cast) -> Inventory:
    p = parcel(cast)
    for kind in ("order", "payment", "waybill", "inventory"):
        intake_entries(kind=kind, entries=[p[kind]], sender=getattr(cast, ROLE[kind]))
    number = p["waybill"]["logisticsNo"]
    for kind, entry in (
        (
            "waybill_summary",
            b.waybill_summary_entry(logistics=cast.logistics, lines=[(number, "PKG-77", "")]),
        ),
        (
            "arrival",
            b.arrival_entry(logistics=cast.logistics, lines=[(number, "PKG-77")], app_time="20260106063000"),
        ),
    ):
        [receipt] = intake_entries(kind=kind, entries=[entry], sender=cast.logistics).receipts
        assert receipt.status == "accepted"
    return Inventory.objects.get(logistics_no=number)


def test_the_lists_pages_show_trade_mode_package_and_arrival(cast, arrived, client, trader_factory):
    client.force_login(trader_factory(cast.ebc, admin=False))
    listing = client.get("/declarations/lists/").content.decode()
    assert "PKG-77" in listing and "2026-01-06 06:30" in listing
    detail = client.get(f"/declarations/lists/{arrived.pk}/").content.decode()  # Chinese by default
    assert "跨境电商零售出口 (9610)" in detail
    assert "BILL2026001" in detail and "PKG-77" in detail and "2026-01-06 06:30" in detail
    assert "已运抵监管场所" in detail  # the timeline says so


def test_another_enterprise_does_not_see_the_list(arrived, client, trader_factory, enterprise_factory):
    client.force_login(trader_factory(enterprise_factory(roles=("ecommerce",))))
    assert client.get(f"/declarations/lists/{arrived.pk}/").status_code == 404
    assert "PKG-77" not in client.get("/declarations/lists/").content.decode()
    assert (
        client.post(
            f"/declarations/transit/lists/{arrived.pk}/trade-document/", {"reference": "X"}
        ).status_code
        == 404
    )


def test_the_administrator_turns_declaration_on_collection_on_and_off(cast, client, trader_factory):
    client.force_login(trader_factory(cast.ebc))
    page = client.get("/registration/profile/").content.decode()
    assert "揽收即申报" in page and 'data-testid="auto-declaration-on"' in page
    response = client.post("/declarations/transit/auto-declaration/", {"enabled": "on"}, follow=True)
    assert "暂存清单将在包裹揽收时自动申报。" in response.content.decode()
    assert AutoDeclaration.objects.get(enterprise=cast.ebc).enabled
    assert EnterpriseHistory.objects.filter(enterprise=cast.ebc).exists()
    client.post("/declarations/transit/auto-declaration/", {})
    assert not AutoDeclaration.objects.get(enterprise=cast.ebc).enabled


def test_an_operator_and_anonymous_callers_cannot_change_it(cast, client, trader_factory):
    assert (
        client.post("/declarations/transit/auto-declaration/", {"enabled": "on"}).status_code == 302
    )  # to sign in
    client.force_login(trader_factory(cast.ebc, admin=False))
    assert client.post("/declarations/transit/auto-declaration/", {"enabled": "on"}).status_code == 403
    assert not AutoDeclaration.objects.filter(enabled=True).exists()


def test_a_reviewer_sets_it_in_admin_with_the_change_logged(cast, arrived, otp_client_factory, staff_factory):
    reviewer = otp_client_factory(staff_factory("reviewer"))
    response = reviewer.post(
        "/admin/transit/autodeclaration/add/", {"enterprise": cast.ebc.pk, "enabled": "on"}, follow=True
    )
    assert response.status_code == 200
    assert AutoDeclaration.objects.get(enterprise=cast.ebc).enabled
    history = EnterpriseHistory.objects.filter(enterprise=cast.ebc).latest("id")
    assert history.actor.is_staff
    page = reviewer.get(f"/admin/transit/autodeclaration/{cast.ebc.pk}/change/").content.decode()
    assert "暂存的申报清单改为在物流企业运单到达时自动申报" in page  # its change log, in Chinese by default
    assert reviewer.get("/admin/transit/listtransit/").status_code == 200
    # the officer's list screen shows the package and arrival too
    assert "PKG-77" in reviewer.get(f"/admin/transit/listtransit/{arrived.pk}/change/").content.decode()


def test_staff_without_the_role_cannot_open_the_screens(otp_client_factory, staff_factory):
    officer = otp_client_factory(staff_factory("risk_officer"))
    assert officer.get("/admin/transit/autodeclaration/").status_code == 403
    assert officer.get("/admin/transit/arrivalrequiredcustoms/add/").status_code == 403
    ops = otp_client_factory(staff_factory("ops"))
    assert ops.get("/admin/transit/arrivalrequiredcustoms/add/").status_code == 200
    add = "/admin/transit/arrivalrequiredcustoms/add/"
    assert ops.post(add, {"customs_code": "22A", "name": "x"}).status_code == 200  # the form says why
    assert ops.post(add, {"customs_code": "2244", "name": "Pudong"}).status_code == 302
    assert list(ArrivalRequiredCustoms.objects.values_list("customs_code", flat=True)) == ["2244"]
    assert ListTransit.objects.count() == 0
