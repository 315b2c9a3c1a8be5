"""Waiting items, overdue reviews and unanswered questions on the calendar."""

import pytest
from django.utils import timezone

from customs_portal import texts
from notifications.models import Notification
from registration.models import Enterprise, EnterpriseStatus

from .conftest import aware, stages
from .factories import enterprise_history, returned_inventory

pytestmark = pytest.mark.django_db


def _with_status(enterprise_factory, status, **fields):
    e = enterprise_factory(approved=False, **fields)
    Enterprise.objects.filter(pk=e.pk).update(status=status)  # test set-up only
    return Enterprise.objects.get(pk=e.pk)


# --- items waiting for the enterprise -------------------------------------------------------
def test_corrections_asked_remind_the_enterprise_at_once_then_weekly(
    run_reminders, enterprise_factory, trader_factory
):
    e = _with_status(
        enterprise_factory, EnterpriseStatus.CORRECTIONS_REQUESTED, review_note="Licence scan unreadable"
    )
    user = trader_factory(e)
    enterprise_history(e, to_status="corrections_requested", at=aware("2026-03-02"))
    assert stages(run_reminders("2026-03-02"), "waiting") == [("waiting", "WAITING", f"REG-{e.pk}")]
    assert stages(run_reminders("2026-03-05"), "waiting") == []
    assert stages(run_reminders("2026-03-09"), "waiting") == [("waiting", "WAITING+7", f"REG-{e.pk}")]
    n = Notification.objects.filter(user=user, kind="waiting").first()
    assert "Licence scan unreadable" in texts.render(n.body)


def test_returned_lists_remind_the_sender_once_per_enterprise_not_per_parcel(
    run_reminders, enterprise, trader_factory, other_enterprise
):
    user = trader_factory(enterprise)
    for _ in range(3):
        returned_inventory(sender=enterprise)
    returned_inventory(sender=other_enterprise, status="released")
    today = timezone.localdate().isoformat()
    sent = [s for s in run_reminders(today) if s.kind == "waiting"]
    assert [(s.stage, s.subject, s.customs_code) for s in sent] == [
        ("WAITING", "RETURNED-LISTS", enterprise.customs_code)
    ]
    assert Notification.objects.filter(user=user, kind="waiting").count() == 1


# --- reviews past their due date (to customs reviewers) -------------------------------------
def test_registration_review_overdue_after_three_working_days_reminds_reviewers(
    run_reminders, enterprise_factory, reviewer, trader_factory
):
    # submitted Friday 2026-02-13: Saturday 02-14 is a swapped working day, Spring Festival
    # 02-15…02-23, so three working days end on Wednesday 02-25
    e = enterprise_factory(approved=False, submitted_at=aware("2026-02-13"))
    applicant = trader_factory(e)
    assert stages(run_reminders("2026-02-25"), "review_overdue") == []
    sent = [s for s in run_reminders("2026-02-26") if s.kind == "review_overdue"]
    assert [(s.stage, s.subject, s.due_date.isoformat()) for s in sent] == [
        ("OVERDUE", f"REG-{e.pk}", "2026-02-25")
    ]
    assert Notification.objects.filter(user=reviewer, kind="review_overdue").count() == 1
    assert not Notification.objects.filter(user=applicant, kind="review_overdue").exists()


def test_annual_report_review_overdue_reminds_reviewers(run_reminders, enterprise, reviewer):
    from registration.cooperation.models import AnnualReport

    AnnualReport.objects.create(
        enterprise=enterprise,
        year=2025,
        contact_name="Li",
        contact_phone="1",
        contact_email="a@example.com",
        staff_count=1,
        declared_true=True,
        submitted_at=aware("2026-03-02"),
    )
    assert stages(run_reminders("2026-03-05"), "review_overdue") == []
    assert stages(run_reminders("2026-03-06"), "review_overdue") == [("review_overdue", "OVERDUE", "AR-2025")]


def test_unanswered_question_reminds_staff_after_two_working_days(
    run_reminders, enterprise, trader, reviewer
):
    from registration.cooperation.models import Question
    from registration.cooperation.services import question_answer, question_ask

    q = question_ask(
        enterprise=enterprise, actor=trader, category="other", subject="HS code?", text="Which code?"
    )
    Question.objects.filter(pk=q.pk).update(waiting_since=aware("2026-03-06"))  # a Friday
    # two working days: Monday 03-09 and Tuesday 03-10; reminded from Wednesday
    assert stages(run_reminders("2026-03-10"), "question_unanswered") == []
    assert stages(run_reminders("2026-03-11"), "question_unanswered") == [
        ("question_unanswered", "OVERDUE", f"Q-{q.pk}")
    ]
    assert Notification.objects.filter(user=reviewer, kind="question_unanswered").count() == 1
    question_answer(question=q, actor=reviewer, text="Use 8517.")
    assert stages(run_reminders("2026-03-18"), "question_unanswered") == []
