"""In a real browser: a trader finds the duty form of a released list, pays its tax bill in the
sandbox and downloads the PDF receipt."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_trader_sees_the_duty_form_pays_it_in_the_sandbox_and_downloads_the_receipt(
    live_server, new_page, exporter, trader_factory, released_duty_list
):
    from declarations.duties.models import DutyForm

    trader_factory(exporter, username="wang.exporter", password="correct-horse-battery")
    inventory = released_duty_list()
    form = DutyForm.objects.get(inventory=inventory)
    bill = form.bill

    page = new_page("en-US")
    page.goto(f"{live_server.url}/accounts/login/?next=/declarations/lists/{inventory.pk}/")
    page.get_by_label("Username").fill("wang.exporter")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()

    # the list says where it went, and leads to the duty form
    assert "not on the monthly summary" in page.get_by_test_id("duty-form").inner_text()
    page.get_by_role("link", name="Open the duty form").click()
    assert page.get_by_test_id("duty-status").inner_text() == "Waiting for payment"
    assert page.get_by_test_id("bill-number").inner_text() == bill.number
    assert page.get_by_test_id("bill-amount").inner_text() == "200.00"
    assert page.get_by_test_id("duty-line").count() == 2

    # the check page shows the bill and the amount before anything is paid
    page.get_by_test_id("pay-bill").click()
    assert page.get_by_test_id("check-bill-number").inner_text() == bill.number
    assert page.get_by_test_id("check-amount").inner_text() == "200.00"
    page.get_by_role("button", name="Pay RMB 200.00").click()

    # the sandbox provider's checkout; paying sends the signed callback
    assert page.get_by_test_id("sandbox-amount").inner_text() == "200.00"
    page.get_by_test_id("sandbox-pay").click()

    assert page.get_by_test_id("duty-status").inner_text() == "Duty paid"
    bill.refresh_from_db()
    assert bill.is_paid and bill.provider_reference in page.get_by_test_id("bill-paid").inner_text()
    assert page.get_by_test_id("pay-bill").count() == 0

    with page.expect_download() as download_info:
        page.get_by_test_id("download-receipt").click()
    download = download_info.value
    assert download.suggested_filename == f"receipt-{bill.number}.pdf"
    with open(download.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
