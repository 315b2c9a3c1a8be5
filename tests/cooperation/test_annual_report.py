"""The annual report: filed in the browser for the previous year, reviewed by customs."""

import datetime as dt

import pytest
from django.utils import timezone

from customs_portal.errors import ApplicationError
from notifications.models import Notification
from registration.cooperation.models import AnnualReport, AnnualReportHistory
from registration.cooperation.services import annual_report_review, annual_report_submit

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1
FORM = {
    "business_status": "operating",
    "contact_name": "王经理",
    "contact_phone": "13800000001",
    "contact_email": "report@example.com",
    "import_volume": "1200.50",
    "export_volume": "3400",
    "staff_count": "40",
    "customs_staff_count": "3",
    "declared_true": "on",
}
DATA = {**FORM, "declared_true": None}
CHECK = "/cooperation/annual-report/check/"


def file_report(client, answers=None, *, declared=True, **headers):
    """Answer the form, then declare and submit on the check page: that last response."""
    answered = client.post("/cooperation/annual-report/", answers or FORM, **headers)
    assert answered.status_code == 302 and answered["Location"] == CHECK
    state = client.get(CHECK, **headers).context["state"]
    data = {"state": state, **({"declared_true": "on"} if declared else {})}
    return client.post(CHECK, data, **headers)


def test_trader_files_last_years_report_in_the_browser(trader_client, enterprise):
    page = trader_client.get("/cooperation/annual-report/")
    assert page.status_code == 200
    assert str(LAST_YEAR) in page.content.decode()
    response = file_report(trader_client)
    assert response.status_code == 302
    report = AnnualReport.objects.get(enterprise=enterprise)
    assert (report.year, report.status, report.staff_count) == (LAST_YEAR, "submitted", 40)
    assert AnnualReportHistory.objects.filter(report=report, to_status="submitted").count() == 1


def test_report_without_the_truthfulness_declaration_is_refused(trader_client, enterprise):
    response = file_report(trader_client, declared=False)
    assert response.status_code == 400
    assert 'id="id_declared_true_error"' in response.content.decode()
    assert AnnualReport.objects.count() == 0


def test_customs_staff_cannot_exceed_total_staff(trader_client):
    response = trader_client.post("/cooperation/annual-report/", {**FORM, "customs_staff_count": "41"})
    assert response.status_code == 400
    assert AnnualReport.objects.count() == 0


def test_a_submitted_report_cannot_be_filed_again(enterprise, trader):
    annual_report_submit(enterprise=enterprise, actor=trader, data=DATA, declared_true=True)
    with pytest.raises(ApplicationError) as err:
        annual_report_submit(enterprise=enterprise, actor=trader, data=DATA, declared_true=True)
    assert err.value.code == "already_submitted"
    assert AnnualReport.objects.count() == 1


def test_the_service_refuses_a_report_not_declared_true(enterprise, trader):
    with pytest.raises(ApplicationError):
        annual_report_submit(enterprise=enterprise, actor=trader, data=DATA, declared_true=False)
    assert AnnualReport.objects.count() == 0


def test_customs_returns_then_the_enterprise_corrects_and_customs_accepts(enterprise, trader, reviewer):
    report = annual_report_submit(enterprise=enterprise, actor=trader, data=DATA, declared_true=True)
    with pytest.raises(ApplicationError):
        annual_report_review(report=report, reviewer=reviewer, accept=False, note="")
    report = annual_report_review(
        report=report, reviewer=reviewer, accept=False, note="Export volume is wrong"
    )
    assert report.status == "returned"
    assert Notification.objects.filter(user=trader, kind="annual_report").count() == 1
    report = annual_report_submit(
        enterprise=enterprise, actor=trader, data={**DATA, "export_volume": 3500}, declared_true=True
    )
    assert (report.status, report.export_volume) == ("submitted", 3500)
    report = annual_report_review(report=report, reviewer=reviewer, accept=True)
    assert report.status == "accepted"
    assert list(report.history.values_list("to_status", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]


def test_report_for_the_previous_year_depends_on_the_day(enterprise, trader):
    report = annual_report_submit(
        enterprise=enterprise, actor=trader, data=DATA, declared_true=True, today=dt.date(2026, 2, 1)
    )
    assert report.year == 2025


def test_reviewer_returns_a_report_in_admin(enterprise, trader, reviewer_client):
    report = annual_report_submit(enterprise=enterprise, actor=trader, data=DATA, declared_true=True)
    url = f"/admin/cooperation/annualreport/{report.pk}/change/"
    assert reviewer_client.get(url).status_code == 200
    response = reviewer_client.post(
        url, {"decision": "return", "note": "Staff figures missing", **_inline_mgmt()}
    )
    assert response.status_code == 302
    report = AnnualReport.objects.get(pk=report.pk)
    assert (report.status, report.review_note) == ("returned", "Staff figures missing")


def test_reviewer_accepts_reports_with_the_admin_action(enterprise, trader, reviewer_client):
    report = annual_report_submit(enterprise=enterprise, actor=trader, data=DATA, declared_true=True)
    reviewer_client.post(
        "/admin/cooperation/annualreport/", {"action": "accept_selected", "_selected_action": [report.pk]}
    )
    assert AnnualReport.objects.get(pk=report.pk).status == "accepted"


def _inline_mgmt():
    prefix = "history"
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_the_declaration_checkbox_sits_with_its_label_and_the_filed_report_is_shown(trader_client):
    import re

    trader_client.post("/cooperation/annual-report/", FORM)
    check_page = trader_client.get(CHECK, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # on the check page, the box and its label in one field row, the label pointing at the box
    row = re.search(r'<div class="field[^"]*checkbox[^"]*">(.*?)</div>', check_page, re.S)
    assert row and 'type="checkbox" name="declared_true"' in row.group(1)
    assert '<label for="id_declared_true">' in row.group(1)
    state = re.search(r'name="state" value="([0-9a-f]+)"', check_page).group(1)
    filed = trader_client.post(
        CHECK, {"state": state, "declared_true": "on"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = filed.content.decode()
    summary = re.search(r'<dl class="details" data-testid="filed-report">(.*?)</dl>', html, re.S)
    assert summary, "the filed report is shown"
    for value in (
        "王经理",
        "13800000001",
        "report@example.com",
        "1200.50",
        "3400.00",
        "40",
        "Operating normally",
    ):
        assert value in summary.group(1), value
    assert "<input" not in html.split('data-testid="filed-report"')[1].split("</dl>")[0]  # read-only


def test_the_check_page_shows_the_answers_with_the_declaration_beside_the_button(trader_client):
    form_page = trader_client.get("/cooperation/annual-report/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="declared_true"' not in form_page  # the declaration is made on the check page
    trader_client.post("/cooperation/annual-report/", FORM)
    assert AnnualReport.objects.count() == 0  # nothing filed before the check
    html = trader_client.get(CHECK, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for value in ("王经理", "13800000001", "report@example.com", "1200.50", "Operating normally"):
        assert value in html.split('data-testid="check-summary"')[1].split("</dl>")[0], value
    form = html.split('action="/cooperation/annual-report/check/"')[1]
    assert form.index('name="declared_true"') < form.index('data-testid="confirm-submit"')


def test_a_stale_check_page_is_refused_and_the_changed_answers_are_filed(trader_client, enterprise):
    trader_client.post("/cooperation/annual-report/", FORM)
    old = trader_client.get(CHECK).context["state"]
    trader_client.post("/cooperation/annual-report/", {**FORM, "staff_count": "50"})
    response = trader_client.post(
        CHECK, {"state": old, "declared_true": "on"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "changed after this page was shown" in response.content.decode()
    assert AnnualReport.objects.count() == 0
    fresh = trader_client.get(CHECK).context["state"]
    trader_client.post(CHECK, {"state": fresh, "declared_true": "on"})
    assert AnnualReport.objects.get(enterprise=enterprise).staff_count == 50


def test_the_check_page_without_answers_leads_back_to_the_form(trader_client):
    assert trader_client.get(CHECK)["Location"] == "/cooperation/annual-report/"
    assert trader_client.post(CHECK, {"state": "x", "declared_true": "on"}).status_code == 302
    assert AnnualReport.objects.count() == 0


def test_another_enterprises_pending_answers_are_not_filed_for_it(
    client, trader_factory, enterprise, other_enterprise
):
    client.force_login(trader_factory(enterprise))
    client.post("/cooperation/annual-report/", FORM)
    state = client.get(CHECK).context["state"]
    # same browser session, another enterprise's user: nothing of the first one's is there
    client.force_login(trader_factory(other_enterprise))
    assert client.post(CHECK, {"state": state, "declared_true": "on"}).status_code == 302
    assert AnnualReport.objects.count() == 0
