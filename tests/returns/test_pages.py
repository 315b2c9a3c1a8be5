"""Who sees returns: the trader on its list's page and summary forms, customs in admin."""

import datetime as dt

import pytest
from django.urls import reverse

from declarations.intake import intake_entries
from declarations.returns.models import InventoryReturn, ReturnStatus
from declarations.returns.services import inventory_return_decide
from declarations.summaries import services as summaries
from declarations.summaries.models import SummaryForm

from .builders import refund_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(shop, departed):
    intake_entries(kind="refund", entries=[refund_entry(inventory=departed, lines=[(1, "1")])], sender=shop)
    return InventoryReturn.objects.get()


def test_the_trader_sees_the_return_and_its_state_on_the_lists_page(
    client, trader_factory, shop, departed, pending, reviewer
):
    client.force_login(trader_factory(shop))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("declarations:inventory_detail", args=[departed.pk])
    page = client.get(url).content.decode()
    assert pending.co_el_no in page and "Awaiting customs&#x27; decision" in page
    inventory_return_decide(inventory_return=pending, actor=reviewer, accept=False, reason="no entry record")
    page = client.get(url).content.decode()
    assert "no entry record" in page


def test_another_enterprise_does_not_see_the_list_or_its_returns(
    client, trader_factory, enterprise_factory, departed, pending
):
    client.force_login(trader_factory(enterprise_factory(roles=("ecommerce",))))
    response = client.get(reverse("declarations:inventory_detail", args=[departed.pk]))
    assert response.status_code == 404
    assert pending.co_el_no not in response.content.decode()


def test_the_page_reads_in_chinese(client, trader_factory, shop, departed, pending):
    client.force_login(trader_factory(shop, language="zh-hans"))
    page = client.get(
        reverse("declarations:inventory_detail", args=[departed.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    text = page.content.decode()
    assert "退货" in text and "等待海关决定" in text


def test_an_amendment_note_shows_on_the_declared_form_for_the_trader(
    client, trader_factory, shop, departed, pending, reviewer
):
    summaries.summary_month_build(enterprise=shop, month=dt.date(2026, 10, 1))
    form = SummaryForm.objects.get()
    trader = trader_factory(shop)
    summaries.summary_form_submit(form=form, actor=trader)
    inventory_return_decide(inventory_return=pending, actor=reviewer, accept=True)
    client.force_login(trader)
    page = client.get(
        reverse("summaries:form_detail", args=[form.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'data-testid="amendment"' in page
    assert f"Return {pending.co_el_no} of list {departed.invt_no} was accepted" in page


# --- admin ------------------------------------------------------------------------------------------
INLINES = {
    f"{prefix}-{name}": 0 for prefix in ("lines", "history") for name in ("TOTAL_FORMS", "INITIAL_FORMS")
}


def test_a_reviewer_decides_in_admin(reviewer_client, pending):
    url = reverse("admin:returns_inventoryreturn_change", args=[pending.pk])
    assert reviewer_client.get(url).status_code == 200
    response = reviewer_client.post(url, {"decision": "reject", "decision_note": "", **INLINES})
    assert response.status_code == 200  # the form asks for the reason
    assert "errorlist" in response.content.decode()  # the reason is asked for
    assert InventoryReturn.objects.get().status == ReturnStatus.PENDING
    reviewer_client.post(url, {"decision": "accept", "decision_note": "", **INLINES})
    assert InventoryReturn.objects.get().status == ReturnStatus.ACCEPTED


def test_the_summary_form_admin_shows_the_amendment(reviewer_client, shop, trader_factory, pending, reviewer):
    summaries.summary_month_build(enterprise=shop, month=dt.date(2026, 10, 1))
    form = SummaryForm.objects.get()
    summaries.summary_form_submit(form=form, actor=trader_factory(shop))
    inventory_return_decide(inventory_return=pending, actor=reviewer, accept=True)
    url = reverse("admin:summaries_summaryform_change", args=[form.pk])
    page = reviewer_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"of list {pending.invt_no} was accepted" in page


@pytest.mark.parametrize("who", ["anonymous", "trader", "risk_officer"])
def test_others_cannot_decide(client, otp_client_factory, staff_factory, trader_factory, shop, pending, who):
    if who == "trader":
        client.force_login(trader_factory(shop))
    elif who == "risk_officer":
        client = otp_client_factory(staff_factory("risk_officer"))
    url = reverse("admin:returns_inventoryreturn_change", args=[pending.pk])
    client.post(url, {"decision": "accept", "decision_note": "", **INLINES})
    assert InventoryReturn.objects.get().status == ReturnStatus.PENDING
    assert client.get(url).status_code in (302, 403)
