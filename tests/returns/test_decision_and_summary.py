"""Customs decides a return; an accepted one leaves the month's summary."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from customs_portal.errors import ApplicationError
from declarations.intake import intake_entries
from declarations.returns.models import InventoryReturn, ReturnStatus, SummaryAmendment
from declarations.returns.services import inventory_return_decide
from declarations.summaries import services as summaries
from declarations.summaries.models import SummaryForm, SummaryLine, SummaryStatistic
from tests.summaries.factories import line, listed

from .builders import refund_entry

OCTOBER = dt.date(2026, 10, 1)


def report(inventory, sender, lines=None):
    receipt = intake_entries(
        kind="refund", entries=[refund_entry(inventory=inventory, lines=lines)], sender=sender
    ).receipts[0]
    assert receipt.status == "accepted", receipt.info
    return InventoryReturn.objects.get(co_el_no=receipt.key)


def month_totals(enterprise):
    forms = SummaryForm.objects.filter(enterprise=enterprise, month=OCTOBER)
    lines = SummaryLine.objects.filter(form__in=forms).order_by("gcode")
    return (
        sum(f.inventory_count for f in forms),
        sum((f.total_price for f in forms), Decimal(0)),
        [(ln.gcode, ln.qty, ln.total_price, ln.inventory_count) for ln in lines],
    )


@pytest.mark.django_db
def test_only_a_reviewer_decides(shop, departed, staff_factory):
    ret = report(departed, shop)
    with pytest.raises(ApplicationError):
        inventory_return_decide(inventory_return=ret, actor=staff_factory("risk_officer"), accept=True)
    assert InventoryReturn.objects.get().status == ReturnStatus.PENDING


@pytest.mark.django_db
def test_a_rejection_needs_a_reason_and_keeps_it_for_the_enterprise(shop, departed, reviewer):
    ret = report(departed, shop)
    with pytest.raises(ApplicationError):
        inventory_return_decide(inventory_return=ret, actor=reviewer, accept=False, reason="  ")
    done = inventory_return_decide(inventory_return=ret, actor=reviewer, accept=False, reason="没有入境记录")
    assert done.status == ReturnStatus.REJECTED
    assert str(InventoryReturn.objects.get().decision_reason) == "没有入境记录"
    assert done.history.get().to_status == "rejected"


@pytest.mark.django_db
def test_a_decided_return_cannot_be_decided_again(shop, departed, reviewer):
    ret = report(departed, shop)
    inventory_return_decide(inventory_return=ret, actor=reviewer, accept=True)
    with pytest.raises(ApplicationError):
        inventory_return_decide(inventory_return=ret, actor=reviewer, accept=False, reason="late")
    assert InventoryReturn.objects.get().status == ReturnStatus.ACCEPTED


@pytest.mark.django_db
def test_an_accepted_partial_return_takes_its_share_of_the_value_to_the_cent(shop, departed, reviewer):
    # line 2: 4 pieces worth 60.50; one returned takes 15.13 (15.125 rounded half up), the other
    # three, returned later, take exactly what is left (45.37)
    first = inventory_return_decide(
        inventory_return=report(departed, shop, [(2, "1")]), actor=reviewer, accept=True
    )
    assert first.total_value == Decimal("15.13")
    assert not first.completes_list
    second = inventory_return_decide(
        inventory_return=report(departed, shop, [(2, "3")]), actor=reviewer, accept=True
    )
    assert second.total_value == Decimal("45.37")
    assert not second.completes_list
    third = inventory_return_decide(
        inventory_return=report(departed, shop, [(1, "2")]), actor=reviewer, accept=True
    )
    assert third.completes_list


@pytest.mark.django_db
def test_a_whole_return_removes_the_list_from_the_draft_summary(shop, departed, reviewer):
    keep = listed(shop, goods=[line(total="30")])
    summaries.summary_month_build(enterprise=shop, month=OCTOBER)
    assert month_totals(shop)[0] == 2
    inventory_return_decide(inventory_return=report(departed, shop), actor=reviewer, accept=True)
    count, total, lines = month_totals(shop)
    assert count == 1
    assert total == Decimal("30")
    assert lines == [("8518220000", Decimal("2"), Decimal("30"), 1)]
    assert SummaryForm.objects.get().inventory_links.get().inventory_id == keep.pk


@pytest.mark.django_db
def test_a_partial_return_reduces_the_draft_lines_quantities_and_value(shop, departed, reviewer):
    listed(shop, goods=[line(total="30")])
    summaries.summary_month_build(enterprise=shop, month=OCTOBER)
    inventory_return_decide(
        inventory_return=report(departed, shop, [(1, "1"), (2, "4")]), actor=reviewer, accept=True
    )
    count, total, lines = month_totals(shop)
    assert count == 2  # the list still brings line 1's other piece
    assert lines == [("8518220000", Decimal("3"), Decimal("80"), 2)]  # 2+1 pieces, 100/2 + 30
    assert total == Decimal("80")


@pytest.mark.django_db
def test_a_month_built_after_the_return_leaves_the_goods_out_too(shop, departed, reviewer):
    inventory_return_decide(inventory_return=report(departed, shop, [(1, "2")]), actor=reviewer, accept=True)
    summaries.summary_month_build(enterprise=shop, month=OCTOBER)
    assert month_totals(shop)[2] == [("8517620000", Decimal("4"), Decimal("60.5"), 1)]


@pytest.mark.django_db
def test_lists_without_returns_aggregate_exactly_as_before(shop, enterprise_factory, reviewer):
    """A return of one enterprise's list changes nothing in another's month, and a month whose
    returns were all rejected is the month as built without them."""
    other = enterprise_factory(roles=("owner", "ecommerce"))
    goods = [line(qty="3", total="12.34567"), line(gcode="8517620000", qty="1.5", total="0.01")]
    for enterprise in (shop, other):
        listed(enterprise, goods=goods)
        listed(enterprise, goods=goods[:1], released="2026-10-31 23:59")
        listed(enterprise, flag="A", goods=goods)
    summaries.summary_month_build(enterprise=other, month=OCTOBER)
    before = (
        month_totals(other),
        list(SummaryStatistic.objects.filter(enterprise=other).values_list("total_price")),
    )
    returned = listed(shop, goods=goods)
    summaries.summary_month_build(enterprise=shop, month=OCTOBER)
    plain = month_totals(shop)
    inventory_return_decide(inventory_return=report(returned, shop), actor=reviewer, accept=True)
    rejected = listed(shop, goods=goods, released="2026-10-02")
    inventory_return_decide(
        inventory_return=report(rejected, shop), actor=reviewer, accept=False, reason="no entry record"
    )
    summaries.summary_month_build(enterprise=other, month=OCTOBER)
    assert (
        month_totals(other),
        list(SummaryStatistic.objects.filter(enterprise=other).values_list("total_price")),
    ) == before
    summaries.summary_month_build(enterprise=shop, month=OCTOBER, force=True)
    # the accepted whole return took its list out; the rejected one's list (the same goods) is in:
    # the month is exactly what it was, to the last decimal
    assert month_totals(shop) == plain


@pytest.mark.django_db
def test_an_accepted_return_leaves_the_statistics_too(shop, reviewer):
    a_list = listed(shop, flag="A", goods=[line(total="40")])
    listed(shop, flag="A", goods=[line(total="10")])
    summaries.summary_month_build(enterprise=shop, month=OCTOBER)
    assert SummaryStatistic.objects.get().total_price == Decimal("50")
    inventory_return_decide(inventory_return=report(a_list, shop), actor=reviewer, accept=True)
    row = SummaryStatistic.objects.get()
    assert (row.inventory_count, row.total_price) == (1, Decimal("10"))


@pytest.mark.django_db
def test_a_declared_form_is_not_rebuilt_but_gets_an_amendment_note(shop, departed, reviewer, trader_factory):
    summaries.summary_month_build(enterprise=shop, month=OCTOBER)
    form = SummaryForm.objects.get()
    summaries.summary_form_submit(form=form, actor=trader_factory(shop))
    before = month_totals(shop)
    inventory_return_decide(inventory_return=report(departed, shop, [(2, "2")]), actor=reviewer, accept=True)
    assert month_totals(shop) == before
    note = SummaryAmendment.objects.get()
    assert note.form == form
    assert note.total_value == Decimal("30.25")
    assert "goods lines 2 in part, value 30.25" in str(note.note)


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_once_one_wins(shop, departed, staff_factory):
    ret = report(departed, shop)
    reviewers = [staff_factory("reviewer"), staff_factory("reviewer")]
    results = []
    barrier = threading.Barrier(2)

    def decide(actor, accept):
        try:
            barrier.wait()
            inventory_return_decide(inventory_return=ret, actor=actor, accept=accept, reason="not ours")
            results.append("ok")
        except ApplicationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(r, a)) for r, a in zip(reviewers, (True, False), strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    assert InventoryReturn.objects.get().history.count() == 1
