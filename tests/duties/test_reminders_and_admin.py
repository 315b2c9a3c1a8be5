"""Unpaid bills remind the enterprise before the due date; customs sees the unpaid queue."""

import datetime as dt

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
