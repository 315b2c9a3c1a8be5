"""Two actors at once, in real parallel transactions: the row lock makes one win and the other
get a clear error; nothing is decided twice or half-saved."""

import datetime as dt
import threading

import pytest
from django.db import connection

from authorization import services
from authorization.imports import import_rows
from authorization.models import Authorization, AuthorizationChange
from customs_portal.errors import ApplicationError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = dt.date


def race(*calls):
    """Run the calls in parallel threads released together; return (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait(timeout=10)
            results.append(call())
        except ApplicationError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results, errors


def test_two_reviewers_deciding_at_once_one_wins_the_other_is_told(
    owner, broker, authorization_factory, reviewer, staff_factory
):
    second = staff_factory("reviewer")
    auth = authorization_factory(owner, broker, status="under_review", power_of_attorney="p.pdf")
    results, errors = race(
        lambda: services.authorization_approve(authorization=auth, actor=reviewer),
        lambda: services.authorization_reject(authorization=auth, actor=second, reason="no"),
    )
    assert len(results) == 1 and len(errors) == 1
    assert errors[0].code == "invalid_transition"
    auth = Authorization.objects.get(pk=auth.pk)
    assert auth.status == results[0].status
    assert auth.history.count() == 1


def test_revoke_and_change_request_at_once_leave_no_pending_change_on_a_revoked_authorization(
    owner, broker, authorization_factory
):
    auth = authorization_factory(owner, broker, status="approved", scope="export")
    results, errors = race(
        lambda: services.authorization_revoke(authorization=auth, enterprise=owner, reason="ended"),
        lambda: services.authorization_request_change(
            authorization=auth, enterprise=broker, terms={"scope": "both"}, today=D(2026, 6, 1)
        ),
    )
    auth = Authorization.objects.get(pk=auth.pk)
    assert auth.status == "revoked"
    assert not AuthorizationChange.objects.filter(authorization=auth, status="pending").exists()
    assert len(results) + len(errors) == 2


def test_two_change_requests_at_once_only_one_is_pending(owner, broker, authorization_factory):
    auth = authorization_factory(owner, broker, status="approved", scope="export")
    results, errors = race(
        lambda: services.authorization_request_change(
            authorization=auth, enterprise=owner, terms={"scope": "import"}, today=D(2026, 6, 1)
        ),
        lambda: services.authorization_request_change(
            authorization=auth, enterprise=broker, terms={"scope": "both"}, today=D(2026, 6, 1)
        ),
    )
    assert len(results) == 1 and [e.code for e in errors] == ["change_pending"]
    assert AuthorizationChange.objects.filter(authorization=auth, status="pending").count() == 1


def test_the_same_import_twice_at_once_creates_each_authorization_once(broker, enterprise_factory):
    principals = [enterprise_factory(roles=("owner",)) for _ in range(3)]
    rows = [
        {
            "principal_uscc": p.uscc,
            "contact_name": "Contact",
            "contact_phone": "13800000000",
            "contact_email": "c@example.com",
            "scope": "export",
            "valid_from": "2026-07-01",
            "valid_to": "2027-06-30",
            "auto_renew": "no",
        }
        for p in principals
    ]
    results, errors = race(
        lambda: import_rows(agent=broker, rows=rows, today=D(2026, 6, 1)),
        lambda: import_rows(agent=broker, rows=rows, today=D(2026, 6, 1)),
    )
    assert not errors
    assert sorted(r.created for r in results) == [0, 3]
    assert Authorization.objects.filter(agent=broker).count() == 3
