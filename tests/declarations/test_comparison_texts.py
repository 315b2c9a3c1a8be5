"""The comparison's reasons are stored texts: the trader reads them in their own language,
whatever the language of the request that ran the comparison (declarations.comparison is pure)."""

from decimal import Decimal
from types import SimpleNamespace as NS

import pytest
from django.utils import translation

from customs_portal import texts
from declarations import comparison

# the currency and country names a reason reads with come from the code tables (in the database)
pytestmark = pytest.mark.django_db


def _case(**changes):
    inventory = NS(
        order_no="ORD-1", ebp_code="EBP", logistics_no="LN-1", logistics_code="LOG", ebc_enterprise_id=1,
        ebc_code="EBC1", owner_enterprise_id=1, statistics_flag="B", trade_mode="9610",
    )  # fmt: skip
    line = NS(gnum=1, total_price=Decimal("100"), currency="502", item_no="SKU-1", gcode="8518220000")
    order = NS(ebc_enterprise_id=1, goods_value=Decimal("150"), currency="142", freight=Decimal("10"))
    payment = NS(ebc_enterprise_id=1, currency="142", charge=Decimal("100"))
    waybill = NS(ebc_code="EBC1")
    goods = {(1, "SKU-1"): NS(status="approved", gcode="8518220000", licence=True, export_duty=False,
                              export_rebate=False)}  # fmt: skip
    args = {"inventory": inventory, "lines": [line], "order": order, "payment": payment, "waybill": waybill,
            "goods": goods, "ebc": NS(pilot_zone=False)}  # fmt: skip
    return comparison.compare(**{**args, **changes})


def test_the_reasons_are_message_ids_with_parameters_not_text_in_the_requests_language():
    with translation.override("zh-hans"):
        outcome = _case()
    stored = {r["field"]: r["reason"] for r in outcome.reasons}
    assert stored["totalPrice"] == {
        "id": "comparison.total_differs",
        "params": {"total": "100.00", "value": "150.00"},  # amounts keep their cents, as strings
    }
    assert stored["charge"]["id"] == "comparison.charge_short"
    # stored as plain JSON: nothing in it is a translation
    assert "订单" not in str(dict(stored["totalPrice"])) and "lines total" not in str(
        dict(stored["totalPrice"])
    )


def test_the_same_reason_reads_in_english_and_in_chinese_with_currency_names():
    outcome = _case()
    currency = {r["field"]: r["reason"] for r in outcome.reasons}["lines[1].currency"]
    assert (
        texts.render(currency, "en")
        == "currency US Dollar (502) differs from the order's Yuan Renminbi (142)"
    )
    chinese = texts.render(currency, "zh-hans")
    assert "美元 (502)" in chinese and "人民币 (142)" in chinese and "differs" not in chinese


def test_summary_statistics_reasons_name_the_flags_in_the_readers_language():
    outcome = _case(inventory=_inventory_a())
    reasons = [r for r in outcome.reasons if r["field"].startswith(("statisticsFlag", "lines[1].itemNo"))]
    english = [texts.render(r["reason"], "en") for r in reasons]
    chinese = [texts.render(r["reason"], "zh-hans") for r in reasons]
    assert any("licence management" in text for text in english)
    assert not any("licence management" in text or "summary statistics" in text for text in chinese)
    assert all(texts.render(r["reason"], "en") != texts.render(r["reason"], "zh-hans") for r in reasons)


def _inventory_a():
    return NS(
        order_no="ORD-1", ebp_code="EBP", logistics_no="LN-1", logistics_code="LOG", ebc_enterprise_id=1,
        ebc_code="EBC1", owner_enterprise_id=1, statistics_flag="A", trade_mode="9610",
    )  # fmt: skip


def test_a_missing_document_is_a_stored_reason_too():
    outcome = _case(order=None, payment=None, waybill=None)
    ids = [r["reason"]["id"] for r in outcome.missing]
    assert ids == ["comparison.no_order", "comparison.no_payment", "comparison.no_waybill"]
    assert (
        texts.render(outcome.missing[0]["reason"], "en")
        == "no order ORD-1 from platform EBP has been received"
    )
