"""In a real browser: the exporter finds last month's built summary, opens the form and declares it;
customs accepts it and the exporter sees the declaration number."""

import datetime as dt

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_exporter_sees_the_built_summary_declares_it_and_sees_it_accepted(
    live_server, new_page, exporter, trader_factory, staff_factory
):
    from declarations.summaries.models import SummaryForm
    from declarations.summaries.services import summary_form_accept, summary_month_build

    from .factories import line, listed

    trader_factory(exporter, username="yun.exporter", password="correct-horse-battery")
    listed(exporter, goods=[line(total="100")])
    listed(exporter, goods=[line(total="150.50"), line(gcode="6109100022", total="20")])
    listed(exporter, flag="A", goods=[line(gcode="8517130000", total="30")])
    summary_month_build(enterprise=exporter, month=dt.date(2026, 10, 1))
    form = SummaryForm.objects.get()

    page = new_page("en-US")
    page.goto(f"{live_server.url}/accounts/login/?next=/summaries/overview/%3Fmonth%3D2026-10")
    page.get_by_label("Username").fill("yun.exporter")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Monthly summary declarations").wait_for()

    assert "2026-11-16" in page.get_by_test_id("deadline").inner_text()
    row = page.get_by_test_id("summary-form")
    assert row.count() == 1 and "Draft" in row.inner_text()
    assert page.get_by_test_id("statistic").count() == 1

    row.get_by_role("link", name=str(form)).click()
    page.wait_for_url(f"**/summaries/forms/{form.pk}/")  # count() does not wait for the navigation
    page.get_by_test_id("line").first.wait_for()
    assert page.get_by_test_id("line").count() == 2
    assert page.get_by_test_id("inventory").count() == 2
    page.get_by_test_id("submit-form").click()
    page.wait_for_url(f"**/summaries/forms/{form.pk}/submit/")
    assert page.get_by_test_id("check-lines").inner_text() == "2"
    assert "legal responsibility" in page.get_by_test_id("declaration-text").inner_text()
    page.get_by_test_id("confirm-submit").click()
    page.get_by_test_id("form-status").filter(has_text="Submitted").wait_for()
    assert page.get_by_test_id("submit-form").count() == 0
    assert page.get_by_test_id("history").count() == 1

    # customs accepts (the admin calls this same service)
    summary_form_accept(form=form, actor=staff_factory("reviewer"), declaration_no="223320261000012345")
    page.reload()
    assert page.get_by_test_id("form-status").inner_text().startswith("Accepted")
    assert page.get_by_test_id("declaration-no").inner_text() == "223320261000012345"
    with page.expect_download() as download:
        page.get_by_test_id("download-pdf").click()
    assert download.value.suggested_filename.endswith(".pdf")
