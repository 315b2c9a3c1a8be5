"""In a real browser: the exporter's parcel comes back; it reports the return by API, customs
accepts it, and the exporter sees the list marked returned and the month's draft summary
without it."""

import datetime as dt

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_accepted_return_takes_the_list_out_of_the_summary_the_trader_sees(
    live_server, new_page, shop, trader_factory, staff_factory, api_client_for
):
    from declarations.returns.models import InventoryReturn
    from declarations.returns.services import inventory_return_decide
    from declarations.summaries.models import SummaryForm
    from declarations.summaries.services import summary_month_build
    from tests.summaries.factories import line, listed

    from .builders import refund_entry

    trader_factory(shop, username="shop.trader", password="correct-horse-battery")
    kept = listed(shop, goods=[line(total="100")])
    returned = listed(shop, goods=[line(total="150.50")])
    summary_month_build(enterprise=shop, month=dt.date(2026, 10, 1))
    form = SummaryForm.objects.get()

    page = new_page("en-US")
    page.goto(f"{live_server.url}/accounts/login/?next=/summaries/forms/{form.pk}/")
    page.get_by_label("Username").fill("shop.trader")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("inventory").first.wait_for()
    assert page.get_by_test_id("inventory").count() == 2
    assert "250.50" in page.get_by_test_id("lines").inner_text()

    # the platform reports the whole parcel back (CEB213 as JSON); customs accepts it in admin
    response = api_client_for(shop).post(
        "/api/v1/inventory-returns/", {"entries": [refund_entry(inventory=returned)]}, format="json"
    )
    assert response.json()[0]["status"] == "accepted"
    inventory_return_decide(
        inventory_return=InventoryReturn.objects.get(), actor=staff_factory("reviewer"), accept=True
    )

    page.goto(f"{live_server.url}/declarations/lists/{returned.pk}/")
    status = page.get_by_test_id("return-status")
    assert "Accepted" in status.inner_text() and "whole list returned" in status.inner_text()

    draft = SummaryForm.objects.get()  # the draft was rebuilt (a new form)
    page.goto(f"{live_server.url}/summaries/forms/{draft.pk}/")
    page.get_by_test_id("inventory").first.wait_for()
    assert page.get_by_test_id("inventory").count() == 1
    assert kept.invt_no in page.get_by_test_id("inventory").inner_text()
    lines = page.get_by_test_id("lines").inner_text()
    assert "100.00" in lines and "250.50" not in lines


def test_a_summary_accepted_by_a_ceb792_result_as_the_trader_sees_it(
    live_server, new_page, shop, trader_factory, tmp_path
):
    from django.core.management import call_command

    from declarations.summaries.models import SummaryForm
    from declarations.summaries.services import summary_form_submit, summary_month_build
    from tests.summaries.factories import line, listed

    from .ceb792 import result_message

    trader = trader_factory(shop, username="shop.declarer", password="correct-horse-battery")
    listed(shop, goods=[line(total="100")])
    summary_month_build(enterprise=shop, month=dt.date(2026, 10, 1))
    form = summary_form_submit(form=SummaryForm.objects.get(), actor=trader)

    page = new_page("en-US")
    page.goto(f"{live_server.url}/accounts/login/?next=/summaries/forms/{form.pk}/")
    page.get_by_label("Username").fill("shop.declarer")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("form-status").filter(has_text="Submitted").wait_for()
    assert page.get_by_test_id("declaration-no").count() == 0

    # ops take in customs' result message
    path = tmp_path / "CEB792.xml"
    path.write_bytes(result_message((form, {"entryId": "224420261000054321"})))
    call_command("import_summary_result", str(path))

    page.reload()
    assert page.get_by_test_id("form-status").inner_text().startswith("Accepted")
    assert page.get_by_test_id("declaration-no").inner_text() == "224420261000054321"
    assert "Accepted" in page.get_by_test_id("summary-result").inner_text()
