"""The admin index shows each queue the staff member may work: how many wait, the oldest, its due
date in working days (customs_portal.workdays), linked to the filtered queue; its cost does not
grow with the queues."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework import queues

pytestmark = pytest.mark.django_db


def _row(rows, key):
    return next(r for r in rows if r["queue"].key == key)


def test_the_reviewer_sees_the_registrations_waiting_with_the_oldest_and_its_due_date(
    reviewer, pending_enterprise, enterprise_factory
):
    from django.utils import timezone

    from registration.models import Enterprise

    later = enterprise_factory(approved=False)
    Enterprise.objects.filter(pk=later.pk).update(
        submitted_at=timezone.make_aware(dt.datetime(2026, 6, 3, 9))
    )
    row = _row(queues.dashboard(reviewer, today=dt.date(2026, 6, 2)), "registrations")
    assert row["count"] == 2
    assert row["oldest"] == dt.date(2026, 6, 1)
    # Monday 1 June 2026 + three working days = Thursday 4 June
    assert row["due"] == dt.date(2026, 6, 4)
    assert not row["overdue"]
    assert row["url"] == "/admin/registration/enterprise/?status__exact=pending_review"
    assert _row(queues.dashboard(reviewer, today=dt.date(2026, 6, 5)), "registrations")["overdue"]


def test_the_due_date_skips_the_official_holidays(reviewer, enterprise_factory):
    from django.utils import timezone

    from registration.models import Enterprise

    enterprise = enterprise_factory(approved=False)
    # Tuesday 29 September 2026; 1-7 October are the National Day holidays (8 October, a
    # Thursday, is the first working day after them)
    Enterprise.objects.filter(pk=enterprise.pk).update(
        submitted_at=timezone.make_aware(dt.datetime(2026, 9, 29, 9))
    )
    row = _row(queues.dashboard(reviewer, today=dt.date(2026, 9, 29)), "registrations")
    assert row["due"] > dt.date(2026, 10, 7)


def test_authorizations_due_by_their_stored_review_date(reviewer, authorization_factory, enterprise_factory):
    owner, broker = enterprise_factory(), enterprise_factory(roles=("broker",))
    authorization_factory(owner, broker, status="under_review", review_due_date=dt.date(2026, 6, 4))
    authorization_factory(owner, broker, status="under_review", review_due_date=dt.date(2026, 6, 8))
    authorization_factory(owner, broker, status="approved")
    row = _row(queues.dashboard(reviewer, today=dt.date(2026, 6, 5)), "authorizations")
    assert (row["count"], row["due"], row["overdue"]) == (2, dt.date(2026, 6, 4), True)
    assert row["url"] == "/admin/authorization/authorization/?queue=waiting"


def test_each_role_sees_its_own_queues(reviewer, staff_factory, staff_without_role):
    reviewer_keys = {q.key for q in queues.visible_queues(reviewer)}
    assert {
        "registrations",
        "authorizations",
        "summaries",
        "annual_reports",
        "questions",
        "goods",
    } <= reviewer_keys
    assert "red_lists" not in reviewer_keys
    officer_keys = {q.key for q in queues.visible_queues(staff_factory("risk_officer"))}
    assert "red_lists" in officer_keys and "registrations" not in officer_keys
    assert queues.visible_queues(staff_without_role) == []


def test_assigned_to_me_counts_the_viewers_own_cases(
    reviewer, staff_factory, pending_enterprise, enterprise_factory
):
    from casework.services import case_assign

    colleague = staff_factory("reviewer")
    other = enterprise_factory(approved=False)
    case_assign(case=pending_enterprise, assignee=reviewer, actor=reviewer)
    case_assign(case=other, assignee=colleague, actor=reviewer)
    row = _row(queues.dashboard(reviewer), "registrations")
    assert row["mine"] == 1
    assert row["mine_url"].endswith("status__exact=pending_review&assigned=me")


def test_the_index_page_shows_the_dashboard(reviewer_client, pending_enterprise):
    html = reviewer_client.get("/admin/").content.decode()
    assert 'data-testid="queue-registrations"' in html
    assert 'href="/admin/registration/enterprise/?status__exact=pending_review"' in html
    assert f'href="/admin/registration/enterprise/{pending_enterprise.pk}/review/"' in html


def _queries(user):
    with CaptureQueriesContext(connection) as captured:
        queues.dashboard(user)
    return len(captured.captured_queries)


def test_the_dashboard_costs_the_same_with_3_or_30_cases_a_queue(
    staff_factory, enterprise_factory, make_declared, authorization_factory
):
    from django.contrib.auth.models import Group

    from customs_portal.permissions import STAFF_ROLES

    user = staff_factory("reviewer")
    user.groups.add(Group.objects.get(name=STAFF_ROLES["risk_officer"]))

    def add(n):
        owner, broker = enterprise_factory(), enterprise_factory(roles=("broker",))
        for _ in range(n):
            enterprise_factory(approved=False)
            make_declared(status="under_review")
            authorization_factory(owner, broker, status="under_review", review_due_date=dt.date(2026, 6, 4))

    add(3)
    from registration.models import User

    _queries(User.objects.get(pk=user.pk))  # content types and the calendar, cached once per process
    few = _queries(User.objects.get(pk=user.pk))
    add(27)
    many = _queries(User.objects.get(pk=user.pk))
    assert many == few
    # three queries at most per queue (count, oldest, mine), plus the permission checks
    assert few <= 3 * len(queues.QUEUES) + 3


@pytest.mark.postgres
def test_the_red_channel_queue_is_read_through_its_own_index(make_declared):
    """At a million lists the red-channel queue's oldest list and count come from the partial
    index of the few lists under review (declarations migration 0009), not a scan."""
    make_declared(status="under_review")
    queue = next(q for q in queues.QUEUES if q.key == "red_lists")
    queryset = queue.queryset().order_by(queue.age_field, "pk").values("pk", queue.age_field)[:1]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "inventory_red_queue_idx" in plan


def test_a_question_is_due_two_working_days_after_it_waits_for_customs(reviewer, enterprise_factory):
    from django.utils import timezone

    from registration.cooperation.models import Question

    question = Question.objects.create(enterprise=enterprise_factory(), subject="退货", category="other")
    # Friday 5 June 2026: the weekend does not count
    Question.objects.filter(pk=question.pk).update(
        waiting_since=timezone.make_aware(dt.datetime(2026, 6, 5, 10))
    )
    row = _row(queues.dashboard(reviewer, today=dt.date(2026, 6, 8)), "questions")
    assert (row["count"], row["oldest"], row["due"]) == (1, dt.date(2026, 6, 5), dt.date(2026, 6, 9))
    assert row["url"] == "/admin/cooperation/question/?status__exact=open"
