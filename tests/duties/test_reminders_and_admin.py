"""Unpaid bills remind the enterprise before the due date; customs sees the unpaid queue."""

import datetime as dt
from decimal import Decimal

import pytest

from declarations.duties.models import DutyForm, TaxBill


@pytest.fixture
def bill(released_duty_list):
    return DutyForm.objects.get(inventory=released_duty_list()).bill


def dues(today):
    from reminders.kinds import Context, tax_bill

    return list(tax_bill(Context(today)))


@pytest.mark.django_db
def test_unpaid_bill_reminds_before_the_due_date_then_overdue_until_paid(bill):
    due = bill.due_date
    assert dues(due - dt.timedelta(days=8)) == []
    [week] = dues(due - dt.timedelta(days=7))
    assert (
        week.stage == "D-7"
        and week.enterprise_id == bill.form.enterprise_id
        and bill.number in str(week.title)
    )
    assert dues(due - dt.timedelta(days=1))[0].stage == "D-1"
    assert dues(due + dt.timedelta(days=1))[0].stage == "OVERDUE"
    TaxBill.objects.filter(pk=bill.pk).update(paid_at=bill.issued_on and dt.datetime.now(dt.UTC))
    assert dues(due + dt.timedelta(days=1)) == []


@pytest.mark.django_db
def test_tax_bill_reminders_cannot_be_switched_off():
    from reminders.models import LEGALLY_REQUIRED_KINDS, ReminderKind

    assert ReminderKind.TAX_BILL in LEGALLY_REQUIRED_KINDS


@pytest.mark.django_db
def test_reviewer_sees_the_unpaid_queue_overdue_first(
    bill, released_duty_list, reviewer_client, staff_groups
):
    later = DutyForm.objects.get(inventory=released_duty_list()).bill
    TaxBill.objects.filter(pk=bill.pk).update(due_date=dt.date(2020, 1, 2))  # long overdue
    page = reviewer_client.get("/admin/duties/unpaidtaxbill/").content.decode()
    assert bill.number in page and later.number in page
    assert page.index(bill.number) < page.index(later.number)
    # paid bills leave the queue
    TaxBill.objects.filter(pk=later.pk).update(paid_at=dt.datetime.now(dt.UTC))
    assert later.number not in reviewer_client.get("/admin/duties/unpaidtaxbill/").content.decode()


@pytest.mark.django_db
def test_risk_officer_keeps_the_rate_table_in_admin_and_reviewers_only_read_it(
    otp_client_factory, staff_factory, staff_groups
):
    from declarations.duties.models import DutyRate

    officer = otp_client_factory(staff_factory("risk_officer"))
    response = officer.post(
        "/admin/duties/dutyrate/add/",
        {
            "hs_prefix": "280470",
            "description": "Phosphorus",
            "rate": "0.2",
            "effective_from": "2026-01-01",
            "effective_to": "",
            "source": "Customs Tariff 2026",
        },
    )
    assert response.status_code == 302
    rate = DutyRate.objects.get(hs_prefix="280470")
    assert rate.rate == Decimal("0.2") and rate.effective_to is None
    # an overlapping period for the same code is refused with a message, nothing saved
    clash = officer.post(
        "/admin/duties/dutyrate/add/",
        {"hs_prefix": "280470", "rate": "0.1", "effective_from": "2026-06-01", "source": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert clash.status_code == 200 and "Another rate for this code is in force" in clash.content.decode()
    assert DutyRate.objects.count() == 1
    reviewer = otp_client_factory(staff_factory("reviewer"))
    assert reviewer.get("/admin/duties/dutyrate/").status_code == 200
    assert reviewer.get("/admin/duties/dutyrate/add/").status_code == 403
