"""Trade modes: each list keeps the one its CEB603 names, shown by name; summary statistics (A)
are refused for bonded lists (1210, 1239); 9710/9810 lists wait for their own document."""

import pytest
from django.utils import translation

from customs_portal import texts
from customs_portal.errors import ApplicationError
from declarations.intake import intake_entries
from declarations.models import Inventory, InventoryHistory
from declarations.selectors import reasons_rendered
from declarations.transit.services import trade_document_record
from declarations.transit.trade_modes import label

from . import in_english
from .parcels import make_cast, parcel, register_goods

_english = in_english._english
pytestmark = pytest.mark.usefixtures("no_random_inspection")
ROLE = {"order": "platform", "payment": "payment", "waybill": "logistics", "inventory": "ebc"}


@pytest.fixture
def cast(enterprise_factory):
    cast = make_cast(enterprise_factory, pilot_zone=True)
    register_goods(cast.ebc)
    return cast


def send_parcel(cast, trade_mode, **kw) -> Inventory:
    p = parcel(cast, **kw)
    p["inventory"]["tradeMode"] = trade_mode
    for kind in ("order", "payment", "waybill", "inventory"):
        intake_entries(kind=kind, entries=[p[kind]], sender=getattr(cast, ROLE[kind]))
    return Inventory.objects.get(cop_no=p["inventory"]["copNo"])


def reasons(inv) -> dict:
    return {r["field"]: r["reason"] for r in reasons_rendered(inv.return_reasons)}


def test_each_list_keeps_its_trade_mode_shown_with_its_name():
    assert label("9610") == "Cross-border e-commerce retail export (9610)"
    with translation.override("zh-hans"):
        assert label("9810") == "跨境电商出口海外仓 (9810)"
    assert label("0110") == "0110"


@pytest.mark.parametrize("mode", ["1210", "1239"])
def test_summary_statistics_are_refused_for_bonded_lists(cast, mode):
    inv = send_parcel(cast, mode, statistics_flag="A")
    assert inv.status == "returned"
    assert "special customs supervision area or a bonded supervision place" in reasons(inv)["statisticsFlag"]
    assert send_parcel(cast, mode, statistics_flag="B").status == "released"  # summary declaration: fine


def test_retail_9610_lists_keep_summary_statistics(cast):
    inv = send_parcel(cast, "9610", statistics_flag="A")
    assert inv.status == "released" and inv.trade_mode == "9610"


def test_a_trade_mode_outside_cross_border_export_is_returned(cast):
    inv = send_parcel(cast, "0110")
    assert inv.status == "returned"
    assert "0110" in reasons(inv)["tradeMode"]


@pytest.mark.parametrize(
    ("mode", "document"), [("9710", "B2B contract number"), ("9810", "overseas warehouse reference")]
)
def test_9710_and_9810_lists_wait_for_their_document_then_go_on(cast, trader_factory, mode, document):
    inv = send_parcel(cast, mode)
    assert inv.status == "declared"  # waiting for the document, not returned

    trader = trader_factory(cast.ebc, admin=False)
    trade_document_record(enterprise=cast.ebc, pk=inv.pk, actor=trader, reference="CT-2026-001")

    inv.refresh_from_db()
    assert inv.status == "released"
    note = InventoryHistory.objects.filter(inventory=inv, actor=trader).get()
    assert texts.render(note.reason) == f"{document} recorded: CT-2026-001"


def test_only_the_lists_own_parties_record_its_document_and_only_before_comparison(
    cast, trader_factory, enterprise_factory
):
    inv = send_parcel(cast, "9710")
    stranger = enterprise_factory(roles=("ecommerce",))
    with pytest.raises(ApplicationError) as refused:
        trade_document_record(enterprise=stranger, pk=inv.pk, actor=trader_factory(stranger), reference="X")
    assert refused.value.code == "not_found"
    with pytest.raises(ApplicationError):
        trade_document_record(enterprise=cast.ebc, pk=inv.pk, actor=trader_factory(cast.ebc), reference=" ")
    retail = send_parcel(cast, "9610")
    with pytest.raises(ApplicationError) as refused:
        trade_document_record(
            enterprise=cast.ebc, pk=retail.pk, actor=trader_factory(cast.ebc), reference="X"
        )
    assert refused.value.code == "no_document"
