"""Annual report reminders on the calendar: window 1 January – 30 June for last year's report."""

import pytest

from notifications.models import Notification
from reminders.models import Reminder

from .conftest import aware, d, stages

pytestmark = pytest.mark.django_db

KIND = "annual_report"


@pytest.fixture
def member(enterprise, trader_factory):
    return trader_factory(enterprise)


@pytest.mark.parametrize(
    ("day", "stage"),
    [
        ("2026-05-31", "D-30"),
        ("2026-06-23", "D-7"),
        ("2026-06-29", "D-1"),
        ("2026-07-01", "OVERDUE"),
        ("2026-07-08", "OVERDUE+7"),
        ("2026-07-15", "OVERDUE+14"),
    ],
)
def test_annual_report_reminder_goes_out_on_each_stage_date(run_reminders, enterprise, member, day, stage):
    sent = run_reminders(day)
    assert stages(sent, KIND) == [(KIND, stage, "AR-2025")]
    assert sent[0].customs_code == enterprise.customs_code
    assert sent[0].due_date.isoformat() == "2026-06-30"
    assert Notification.objects.filter(user=member, kind=KIND).count() == 1


def test_no_annual_report_reminder_before_thirty_days_ahead(run_reminders, enterprise, member):
    assert stages(run_reminders("2026-05-30"), KIND) == []


def test_the_same_stage_is_not_repeated_on_the_following_days(run_reminders, enterprise, member):
    run_reminders("2026-05-31")
    assert stages(run_reminders("2026-06-01"), KIND) == []
    assert stages(run_reminders("2026-06-22"), KIND) == []
    assert Reminder.objects.filter(kind=KIND).count() == 1


def test_submitted_report_stops_annual_report_reminders(run_reminders, enterprise, member):
    from registration.cooperation.services import annual_report_submit

    annual_report_submit(
        enterprise=enterprise,
        actor=member,
        declared_true=True,
        today=d("2026-03-01"),
        data={
            "business_status": "operating",
            "contact_name": "Li",
            "contact_phone": "13800000000",
            "contact_email": "li@example.com",
            "import_volume": 10,
            "export_volume": 20,
            "staff_count": 5,
            "customs_staff_count": 1,
        },
    )
    assert stages(run_reminders("2026-06-29"), KIND) == []
    assert stages(run_reminders("2026-07-01"), KIND) == []


def test_returned_report_keeps_the_overdue_notices_coming(run_reminders, enterprise, member, reviewer):
    from registration.cooperation.models import AnnualReport
    from registration.cooperation.services import annual_report_review

    report = AnnualReport.objects.create(
        enterprise=enterprise,
        year=2025,
        contact_name="Li",
        contact_phone="1",
        contact_email="a@example.com",
        staff_count=1,
        declared_true=True,
    )
    annual_report_review(report=report, reviewer=reviewer, accept=False, note="Export volume missing")
    assert stages(run_reminders("2026-07-01"), KIND) == [(KIND, "OVERDUE", "AR-2025")]


def test_enterprise_approved_this_year_owes_no_report_for_last_year(run_reminders, enterprise_factory):
    enterprise_factory(approved_at=aware("2026-03-01"))
    assert stages(run_reminders("2026-06-29"), KIND) == []


def test_unapproved_enterprise_gets_no_annual_report_reminder(run_reminders, enterprise_factory):
    enterprise_factory(approved=False)
    assert stages(run_reminders("2026-06-29"), KIND) == []


def test_last_day_and_overdue_stages_also_go_by_sms_and_e_mail(
    run_reminders, enterprise, member, mailoutbox, sms_outbox
):
    run_reminders("2026-06-23")
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert sms_outbox == []
    run_reminders("2026-06-29")
    assert len(mailoutbox) == 2
    assert {m["phone"] for m in sms_outbox} == {enterprise.contact_phone}
    run_reminders("2026-07-01")
    assert len(sms_outbox) == 2
