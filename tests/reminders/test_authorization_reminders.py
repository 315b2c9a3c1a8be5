"""Authorization reminders (expiry, renewal, supplement requested, review overdue)."""

import datetime as dt

import pytest

from authorization.models import Authorization, AuthorizationHistory
from notifications.models import Notification

from .conftest import aware, stages

pytestmark = pytest.mark.django_db


class _Authorizations:
    """Rows of the real authorization model in a given state, without running the workflow."""

    History = AuthorizationHistory

    class objects:  # noqa: N801 - reads like the manager it stands for
        @staticmethod
        def create(
            *, number, principal, agent, status, valid_to=None, auto_renew=False, initiated_by="principal"
        ):
            valid_to = valid_to or dt.date(2026, 12, 31)
            return Authorization.objects.create(
                number=number,
                principal=principal,
                agent=agent,
                principal_name=principal.name,
                principal_uscc=principal.uscc,
                principal_contact_name="张三",
                principal_contact_phone="13800000000",
                principal_contact_email="owner@example.com",
                agent_name=agent.name,
                agent_uscc=agent.uscc,
                agent_contact_name="李四",
                agent_contact_phone="13900000000",
                agent_contact_email="broker@example.com",
                scope="export",
                valid_from=valid_to - dt.timedelta(days=365),
                valid_to=valid_to,
                auto_renew=auto_renew,
                initiated_by=initiated_by,
                status=status,
            )


@pytest.fixture
def authorization_model():
    return _Authorizations


@pytest.fixture
def parties(enterprise_factory, trader_factory):
    owner = enterprise_factory(roles=("owner",))
    broker = enterprise_factory(roles=("broker",))
    return owner, broker, trader_factory(owner), trader_factory(broker)


@pytest.mark.parametrize(
    ("day", "stage"), [("2026-08-01", "D-30"), ("2026-08-24", "D-7"), ("2026-08-30", "D-1")]
)
def test_expiring_authorization_reminds_both_parties(run_reminders, authorization_model, parties, day, stage):
    owner, broker, owner_user, broker_user = parties
    auth = authorization_model.objects.create(
        number="SQ2026001",
        principal=owner,
        agent=broker,
        status="approved",
        valid_to=aware("2026-08-31").date(),
    )
    sent = [s for s in run_reminders(day) if s.kind == "authorization_expiring"]
    assert sorted((s.stage, s.customs_code, s.subject) for s in sent) == sorted(
        [(stage, owner.customs_code, f"AUTH-{auth.pk}"), (stage, broker.customs_code, f"AUTH-{auth.pk}")]
    )
    assert (
        Notification.objects.filter(user__in=[owner_user, broker_user], kind="authorization_expiring").count()
        == 2
    )


def test_auto_renewing_authorization_gets_one_renewal_notice(run_reminders, authorization_model, parties):
    owner, broker, *_ = parties
    authorization_model.objects.create(
        number="SQ2026002",
        principal=owner,
        agent=broker,
        status="approved",
        valid_to=aware("2026-08-31").date(),
        auto_renew=True,
    )
    assert {s.stage for s in run_reminders("2026-08-01") if s.kind == "authorization_expiring"} == {"RENEWAL"}
    assert stages(run_reminders("2026-08-30"), "authorization_expiring") == []


def test_expired_or_unapproved_authorizations_get_no_expiry_reminder(
    run_reminders, authorization_model, parties
):
    owner, broker, *_ = parties
    authorization_model.objects.create(
        number="A", principal=owner, agent=broker, status="revoked", valid_to=aware("2026-08-31").date()
    )
    authorization_model.objects.create(
        number="B", principal=owner, agent=broker, status="approved", valid_to=aware("2026-07-31").date()
    )
    assert stages(run_reminders("2026-08-30"), "authorization_expiring") == []


def test_supplement_requested_waits_for_the_enterprise_and_review_overdue_reminds_customs(
    run_reminders, authorization_model, parties, reviewer
):
    owner, broker, owner_user, _ = parties
    waiting = authorization_model.objects.create(
        number="W", principal=owner, agent=broker, status="supplement_requested"
    )
    row = authorization_model.History.objects.create(authorization=waiting, to_status="supplement_requested")
    authorization_model.History.objects.filter(pk=row.pk).update(at=aware("2026-03-02"))
    pending = authorization_model.objects.create(
        number="P", principal=owner, agent=broker, status="under_review"
    )
    row = authorization_model.History.objects.create(authorization=pending, to_status="under_review")
    authorization_model.History.objects.filter(pk=row.pk).update(at=aware("2026-03-02"))  # a Monday

    sent = run_reminders("2026-03-05")
    # the party that started the authorization holds the documents and answers the request
    waiting_subjects = sorted((s.customs_code, s.stage) for s in sent if s.kind == "waiting")
    assert waiting_subjects == [(owner.customs_code, "WAITING")]
    # three working days after Monday end on Thursday: overdue from Friday
    assert stages(sent, "review_overdue") == []
    assert stages(run_reminders("2026-03-06"), "review_overdue") == [
        ("review_overdue", "OVERDUE", f"AUTH-{pending.pk}")
    ]
    assert Notification.objects.filter(user=reviewer, kind="review_overdue").count() == 1


def test_information_page_counts_the_authorizations_at_a_glance(authorization_model, parties, client):
    owner, broker, owner_user, _ = parties
    authorization_model.objects.create(number="X", principal=owner, agent=broker, status="approved")
    authorization_model.objects.create(
        number="Y", principal=owner, agent=broker, status="supplement_requested"
    )
    client.force_login(owner_user)
    html = client.get("/cooperation/enterprise-info/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Approved: 1" in html and "Supplementary materials requested: 1" in html
