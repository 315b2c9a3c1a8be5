"""The bulk writers of the hot paths write what Django's bulk_create would, on either database."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from customs_portal.bulk import rows_insert, rows_update
from reminders.models import Reminder

DUE = dt.date(2026, 6, 30)


def reminder(enterprise, stage, token="run-1", title="Annual report due"):
    return Reminder(
        kind="annual_report",
        subject="2025",
        due_date=DUE,
        stage=stage,
        enterprise=enterprise,
        title=title,
        body="line one\nline two\twith a tab and a backslash \\",
        run_token=token,
    )


@pytest.mark.django_db
def test_rows_are_inserted_with_their_text_defaults_and_auto_times(enterprise_factory):
    enterprise = enterprise_factory()
    rows_insert([reminder(enterprise, "D-30"), reminder(enterprise, "D-7")])
    stored = list(Reminder.objects.order_by("stage"))
    assert [r.stage for r in stored] == ["D-30", "D-7"]
    assert stored[0].body == "line one\nline two\twith a tab and a backslash \\"
    assert stored[0].sms is False and stored[0].created_at is not None and stored[0].delivered_at is None


@pytest.mark.django_db
def test_returning_sets_the_keys(enterprise_factory):
    rows = rows_insert([reminder(enterprise_factory(), "D-1")], returning=True)
    assert rows[0].pk == Reminder.objects.get().pk


@pytest.mark.django_db
def test_a_duplicate_is_refused_unless_conflicts_are_ignored(enterprise_factory):
    enterprise = enterprise_factory()
    rows_insert([reminder(enterprise, "D-30")])
    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert([reminder(enterprise, "D-30", token="run-2")])
    # twice in one transaction: the taken key is skipped, the new one goes in
    with transaction.atomic():
        rows_insert(
            [reminder(enterprise, "D-30", token="run-2"), reminder(enterprise, "D-7", "run-2")],
            ignore_conflicts=True,
        )
        rows_insert([reminder(enterprise, "D-1", token="run-2")], ignore_conflicts=True)
    assert sorted(Reminder.objects.values_list("stage", "run_token")) == [
        ("D-1", "run-2"),
        ("D-30", "run-1"),
        ("D-7", "run-2"),
    ]


@pytest.mark.django_db(transaction=True)
def test_ignoring_conflicts_works_outside_a_transaction_too(enterprise_factory):
    enterprise = enterprise_factory()
    rows_insert([reminder(enterprise, "D-30")], ignore_conflicts=True)
    rows_insert([reminder(enterprise, "D-30", token="run-2")], ignore_conflicts=True)
    assert list(Reminder.objects.values_list("run_token", flat=True)) == ["run-1"]


@pytest.mark.django_db
def test_rows_update_writes_the_named_fields_only(enterprise_factory):
    enterprise = enterprise_factory()
    rows = rows_insert([reminder(enterprise, "D-30"), reminder(enterprise, "D-7")], returning=True)
    moment = dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC)
    for row in rows:
        row.delivered_at = moment
        row.title = "not written"
    rows_update(rows, ["delivered_at"])
    assert set(Reminder.objects.values_list("delivered_at", "title")) == {(moment, "Annual report due")}
