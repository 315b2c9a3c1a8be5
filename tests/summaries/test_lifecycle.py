"""draft → submitted → accepted | returned → resubmitted → …; each move one history entry."""

import datetime as dt
import threading

import pytest
from django.db import connection

from customs_portal.errors import ApplicationError
from declarations.summaries.models import SummaryForm, SummaryFormHistory, SummaryStatus
from declarations.summaries.services import (
    summary_form_accept,
    summary_form_resubmit,
    summary_form_return,
    summary_form_submit,
    summary_month_build,
)

from .factories import listed

OCT = dt.date(2026, 10, 1)
NUMBER = "223320261000012345"


@pytest.fixture
def draft(exporter):
    listed(exporter)
    summary_month_build(enterprise=exporter, month=OCT)
    return SummaryForm.objects.get()


def moves(form):
    return list(
        SummaryFormHistory.objects.filter(form=form).values_list("from_status", "to_status", "reason")
    )


@pytest.mark.django_db
def test_the_whole_lifecycle_one_history_entry_per_move(draft, exporter_user, reviewer):
    form = summary_form_submit(form=draft, actor=exporter_user)
    assert form.status == SummaryStatus.SUBMITTED and form.submitted_by == exporter_user.enterprise
    form = summary_form_return(form=form, actor=reviewer, reason="Exit customs is wrong")
    assert form.status == SummaryStatus.RETURNED and form.return_reason == "Exit customs is wrong"
    form = summary_form_resubmit(form=form, actor=exporter_user, note="corrected")
    form = summary_form_accept(form=form, actor=reviewer, declaration_no=NUMBER)
    assert form.status == SummaryStatus.ACCEPTED and form.declaration_no == NUMBER
    assert moves(form) == [
        ("draft", "submitted", ""),
        ("submitted", "returned", "Exit customs is wrong"),
        ("returned", "resubmitted", "corrected"),
        ("resubmitted", "accepted", NUMBER),
    ]
    assert exporter_user.notifications.filter(kind="summary_returned").count() == 1


@pytest.mark.django_db
def test_an_authorized_broker_may_declare_for_the_exporter(
    draft, exporter, broker, trader_factory, authorize
):
    broker_user = trader_factory(broker)
    with pytest.raises(ApplicationError) as refused:
        summary_form_submit(form=draft, actor=broker_user)
    assert refused.value.code == "not_authorized"
    authorize(principal=exporter, agent=broker, scope="both")
    form = summary_form_submit(form=draft, actor=broker_user)
    assert form.submitted_by == broker


@pytest.mark.django_db
@pytest.mark.parametrize(
    "terms",
    [
        {"scope": "import"},
        {"status": "under_review"},
        {"valid_from": dt.date(2020, 1, 1), "valid_to": dt.date(2020, 12, 31)},
    ],
    ids=["import-only", "not-approved", "expired"],
)
def test_a_broker_without_a_valid_export_authorization_may_not(
    draft, exporter, broker, trader_factory, authorize, terms
):
    authorize(principal=exporter, agent=broker, **terms)
    with pytest.raises(ApplicationError):
        summary_form_submit(form=draft, actor=trader_factory(broker))
    assert SummaryForm.objects.get().status == SummaryStatus.DRAFT


@pytest.mark.django_db
def test_only_reviewers_decide_and_the_number_has_18_digits(draft, exporter_user, reviewer, staff_factory):
    form = summary_form_submit(form=draft, actor=exporter_user)
    with pytest.raises(ApplicationError):
        summary_form_accept(form=form, actor=exporter_user, declaration_no=NUMBER)
    with pytest.raises(ApplicationError):
        summary_form_accept(form=form, actor=staff_factory("risk_officer"), declaration_no=NUMBER)
    for bad in ("12345", "22332026100001234X", "2233202610000123456"):
        with pytest.raises(ApplicationError) as refused:
            summary_form_accept(form=form, actor=reviewer, declaration_no=bad)
        assert refused.value.code == "invalid_declaration_no"
    with pytest.raises(ApplicationError):
        summary_form_return(form=form, actor=reviewer, reason="  ")
    assert moves(form) == [("draft", "submitted", "")]


@pytest.mark.django_db
def test_a_draft_cannot_be_accepted_and_an_accepted_form_cannot_be_submitted(draft, exporter_user, reviewer):
    with pytest.raises(ApplicationError):
        summary_form_accept(form=draft, actor=reviewer, declaration_no=NUMBER)
    form = summary_form_submit(form=draft, actor=exporter_user)
    with pytest.raises(ApplicationError):
        summary_form_submit(form=form, actor=exporter_user)
    with pytest.raises(ApplicationError):
        summary_form_resubmit(form=form, actor=exporter_user)


@pytest.mark.django_db
def test_a_declaration_number_is_recorded_once(exporter, exporter_user, reviewer):
    listed(exporter)
    listed(exporter, country="303")
    summary_month_build(enterprise=exporter, month=OCT)
    first, second = (
        summary_form_submit(form=f, actor=exporter_user) for f in SummaryForm.objects.order_by("number")
    )
    summary_form_accept(form=first, actor=reviewer, declaration_no=NUMBER)
    with pytest.raises(ApplicationError) as refused:
        summary_form_accept(form=second, actor=reviewer, declaration_no=NUMBER)
    assert refused.value.code == "duplicate_declaration_no"


@pytest.mark.django_db
def test_overdue_forms_are_flagged(draft, exporter_user, time_machine=None):
    from unittest import mock

    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, 11, 17)):
        assert draft.is_overdue and draft.days_left == -1
        submitted = summary_form_submit(form=draft, actor=exporter_user)
        assert not submitted.is_overdue
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, 11, 16)):
        assert not SummaryForm.objects.get().is_overdue


def _in_thread(fn):
    errors, results = [], []

    def run():
        try:
            results.append(fn())
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    return run, results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_once_the_second_is_told(exporter, exporter_user, staff_factory):
    listed(exporter)
    summary_month_build(enterprise=exporter, month=OCT)
    form = summary_form_submit(form=SummaryForm.objects.get(), actor=exporter_user)
    first, second = staff_factory("reviewer"), staff_factory("reviewer")
    barrier = threading.Barrier(2)

    def accept():
        barrier.wait()
        return summary_form_accept(form=form, actor=first, declaration_no=NUMBER)

    def give_back():
        barrier.wait()
        return summary_form_return(form=form, actor=second, reason="missing lists")

    runs = [_in_thread(accept), _in_thread(give_back)]
    threads = [threading.Thread(target=run) for run, _results, _errors in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = [e for _run, _results, errs in runs for e in errs]
    assert len(errors) == 1 and isinstance(errors[0], ApplicationError)
    assert errors[0].code == "invalid_transition"
    form = SummaryForm.objects.get()
    assert form.status in (SummaryStatus.ACCEPTED, SummaryStatus.RETURNED)
    assert SummaryFormHistory.objects.filter(form=form).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_builds_at_once_build_the_month_once(exporter):
    for n in range(20):
        listed(
            exporter,
            goods=[__import__("tests.summaries.factories", fromlist=["line"]).line(gcode=f"61091000{n:02d}")],
        )
    barrier = threading.Barrier(2)

    def build():
        barrier.wait()
        return summary_month_build(enterprise=exporter, month=OCT)

    runs = [_in_thread(build), _in_thread(build)]
    threads = [threading.Thread(target=run) for run, _results, _errors in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [e for _run, _results, errs in runs for e in errs] == []
    results = [r for _run, res, _errors in runs for r in res]
    assert sorted(r.unchanged for r in results) == [False, True]
    assert SummaryForm.objects.count() == 1
    assert exporter.summary_forms.get().inventory_count == 20
