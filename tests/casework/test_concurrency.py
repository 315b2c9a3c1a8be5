"""Two reviewers taking the same case at the same moment, in real parallel transactions on
PostgreSQL: one assignment row, and the history tells the moves in the order they happened
(the second reviewer's change starts from the first one's, never from "nobody" twice)."""

import threading

import pytest
from django.db import connection

from casework.models import CaseAssignment, CaseEvent
from casework.services import case_assign

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_reviewers_assigning_one_case_at_once_leave_one_consistent_history(
    staff_factory, enterprise_factory
):
    case = enterprise_factory(approved=False)
    reviewers = [staff_factory("reviewer") for _ in range(4)]
    barrier = threading.Barrier(len(reviewers))
    errors = []

    def take(reviewer):
        try:
            barrier.wait(timeout=20)
            case_assign(case=case, assignee=reviewer, actor=reviewer)
        except Exception as exc:  # noqa: BLE001 (the test reports whatever a thread met)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(r,)) for r in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert CaseAssignment.objects.count() == 1
    events = list(CaseEvent.objects.order_by("id"))
    assert len(events) == len(reviewers)
    assert events[0].from_assignee_id is None
    # each move starts where the one before it ended
    for before, after in zip(events, events[1:], strict=False):
        assert after.from_assignee_id == before.to_assignee_id
    assert CaseAssignment.objects.get().assignee_id == events[-1].to_assignee_id
