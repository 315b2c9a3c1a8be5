"""In a real browser: the annual report is answered, checked (with the declaration beside the
button) and only then filed; an answer is changed from the check page."""

import pytest

from registration.cooperation.models import AnnualReport

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_trader_checks_the_annual_report_declares_it_and_sees_what_was_filed(
    live_server, new_page, enterprise, trader_factory
):
    trader_factory(enterprise, username="wang.report", password="correct-horse-battery")
    page = new_page("en-US")
    page.goto(f"{live_server.url}/accounts/login/?next=/cooperation/annual-report/")
    page.get_by_label("Username").fill("wang.report")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.locator("#id_business_status").select_option("operating")
    page.locator("#id_import_volume").fill("1200.50")
    page.locator("#id_export_volume").fill("3400")
    page.locator("#id_staff_count").fill("40")
    page.locator("#id_customs_staff_count").fill("41")  # more than the staff: refused
    page.get_by_role("button", name="Continue").click()
    summary = page.get_by_test_id("error-summary")
    summary.wait_for()
    assert page.title().startswith("Error: ")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_customs_staff_count"
    page.locator("#id_customs_staff_count").fill("3")
    page.get_by_role("button", name="Continue").click()

    # the check page: what will be sent, then a change from it
    page.get_by_role("heading", name="Check the annual report").wait_for()
    assert page.get_by_test_id("check-staff_count").inner_text() == "40"
    assert AnnualReport.objects.count() == 0
    page.get_by_test_id("check-summary").get_by_role("link", name="Change Number of staff").click()
    assert page.locator("#id_staff_count").input_value() == "40"
    page.locator("#id_staff_count").fill("45")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_test_id("check-staff_count").inner_text() == "45"

    # submitting without the declaration is refused; with it, the report is filed and shown
    page.get_by_role("button", name="Submit the annual report").click()
    page.get_by_test_id("error-summary").wait_for()
    assert AnnualReport.objects.count() == 0
    page.get_by_label("I declare that this report is true, accurate and complete.").check()
    page.get_by_role("button", name="Submit the annual report").click()
    filed = page.get_by_test_id("filed-report")
    filed.wait_for()
    assert "45" in filed.inner_text() and "1200.50" in filed.inner_text()
    assert AnnualReport.objects.get(enterprise=enterprise).staff_count == 45
