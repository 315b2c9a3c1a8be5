"""Review due dates on the official calendar, change requests, automatic renewal and expiry."""

import datetime as dt

import pytest
from django.core.management import call_command

from authorization import services
from authorization.models import Authorization, AuthorizationChange
from authorization.selectors import authorization_is_valid
from authorization.tasks import expire_authorizations_task
from customs_portal import texts
from customs_portal.errors import ApplicationError
from customs_portal.models import CalendarDay, CalendarYear
from customs_portal.workdays import CalendarYearUnknown
from notifications.models import Notification

pytestmark = pytest.mark.django_db

D = dt.date


def fetch(auth):
    return Authorization.objects.get(pk=auth.pk)


# --- review due date ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("reached", "due"),
    [
        # Friday before the 2026 Spring Festival: Sat 02-14 is a swapped working day, the break
        # runs Sun 02-15 to Mon 02-23 (checked against chinesecalendar's data).
        (D(2026, 2, 13), D(2026, 2, 25)),
        (D(2026, 6, 1), D(2026, 6, 4)),  # Monday: plain working week
        (D(2026, 6, 5), D(2026, 6, 10)),  # Friday: the weekend does not count
        # National Day break 10-01..10-07; Thu 10-08 and Fri 10-09 work, Sat 10-10 is a swapped
        # working day (chinesecalendar; State Council 2026 schedule), so it is the third.
        (D(2026, 9, 30), D(2026, 10, 10)),
        (D(2026, 9, 18), D(2026, 9, 22)),  # Fri; Sun 09-20 is a swapped working day
    ],
)
def test_review_is_due_three_working_days_later(reached, due):
    assert services.review_due_date(reached_review_on=reached) == due


def test_confirmation_on_friday_13_february_is_due_on_the_25th(
    owner, broker, broker_user, authorization_factory, monkeypatch
):
    auth = authorization_factory(owner, broker, status="awaiting_confirmation", power_of_attorney="p.pdf")
    monkeypatch.setattr(services, "_today", lambda: D(2026, 2, 13))
    auth = services.authorization_confirm(authorization=auth, enterprise=broker, actor=broker_user)
    assert auth.review_due_date == D(2026, 2, 25)


def test_a_year_the_calendar_does_not_know_is_refused_loudly(
    owner, broker, broker_user, authorization_factory, monkeypatch
):
    auth = authorization_factory(
        owner, broker, status="awaiting_confirmation", power_of_attorney="p.pdf", valid_to=D(2030, 12, 31)
    )
    monkeypatch.setattr(services, "_today", lambda: D(2030, 3, 1))
    with pytest.raises(CalendarYearUnknown):
        services.authorization_confirm(authorization=auth, enterprise=broker, actor=broker_user)
    assert fetch(auth).status == "awaiting_confirmation"


def test_admin_overrides_cover_a_later_year(owner, broker, broker_user, authorization_factory, monkeypatch):
    CalendarYear.objects.create(year=2030, complete=True)
    CalendarDay.objects.create(date=D(2030, 3, 4), is_workday=False, name="test holiday")
    auth = authorization_factory(
        owner, broker, status="awaiting_confirmation", power_of_attorney="p.pdf", valid_to=D(2030, 12, 31)
    )
    monkeypatch.setattr(services, "_today", lambda: D(2030, 3, 1))  # Friday
    auth = services.authorization_confirm(authorization=auth, enterprise=broker, actor=broker_user)
    assert auth.review_due_date == D(2030, 3, 7)  # Tue 5, Wed 6, Thu 7 (Mon 4 is a holiday)


# --- change requests ----------------------------------------------------------------------
def test_change_request_keeps_the_old_terms_until_customs_approves(
    owner, broker, owner_user, authorization_factory, reviewer, monkeypatch
):
    monkeypatch.setattr(services, "_today", lambda: D(2026, 6, 1))
    auth = authorization_factory(owner, broker, status="approved", scope="export", power_of_attorney="p.pdf")
    change = services.authorization_request_change(
        authorization=auth, enterprise=owner, actor=owner_user, terms={"scope": "import"}, today=D(2026, 6, 1)
    )
    assert change.review_due_date == D(2026, 6, 4)
    assert fetch(auth).scope == "export"
    assert authorization_is_valid(agent=broker, principal=owner, direction="export", on_date=D(2026, 6, 2))
    with pytest.raises(ApplicationError) as exc:
        services.authorization_request_change(
            authorization=auth, enterprise=owner, terms={"scope": "both"}, today=D(2026, 6, 1)
        )
    assert exc.value.code == "change_pending"

    change = services.authorization_change_approve(change=change, actor=reviewer)
    assert change.status == "approved"
    auth = fetch(auth)
    assert auth.scope == "import" and auth.status == "approved"
    assert not authorization_is_valid(
        agent=broker, principal=owner, direction="export", on_date=D(2026, 6, 2)
    )
    assert [e.event for e in auth.history.order_by("id")] == ["request_change", "approve_change"]


def test_rejected_change_leaves_the_terms_and_needs_a_reason(
    owner, broker, broker_user, authorization_factory, reviewer
):
    auth = authorization_factory(owner, broker, status="approved", valid_to=D(2026, 12, 31))
    change = services.authorization_request_change(
        authorization=auth, enterprise=broker, actor=broker_user, terms={"valid_to": D(2027, 6, 30)},
        today=D(2026, 6, 1),
    )  # fmt: skip
    with pytest.raises(ApplicationError):
        services.authorization_change_reject(change=change, actor=reviewer, reason=" ")
    services.authorization_change_reject(change=change, actor=reviewer, reason="Dates not signed")
    assert fetch(auth).valid_to == D(2026, 12, 31)
    with pytest.raises(ApplicationError) as exc:
        services.authorization_change_approve(change=change, actor=reviewer)
    assert exc.value.code == "invalid_transition"


def test_a_change_that_changes_nothing_is_refused(owner, broker, authorization_factory):
    auth = authorization_factory(owner, broker, status="approved")
    with pytest.raises(ApplicationError) as exc:
        services.authorization_request_change(
            authorization=auth, enterprise=owner, terms={}, today=D(2026, 6, 1)
        )
    assert exc.value.code == "nothing_changed"
    assert not AuthorizationChange.objects.exists()


def test_revoking_withdraws_the_pending_change(owner, broker, authorization_factory):
    auth = authorization_factory(owner, broker, status="approved")
    change = services.authorization_request_change(
        authorization=auth, enterprise=owner, terms={"scope": "import"}, today=D(2026, 6, 1)
    )
    services.authorization_revoke(authorization=auth, enterprise=broker, reason="ended")
    assert AuthorizationChange.objects.get(pk=change.pk).status == "withdrawn"
    assert not authorization_is_valid(
        agent=broker, principal=owner, direction="import", on_date=D(2026, 6, 2)
    )


def test_party_renamed_is_shown_and_an_approved_change_brings_details_up_to_date(
    owner, broker, authorization_factory, reviewer
):
    from registration.signals import enterprise_name_changed

    auth = authorization_factory(owner, broker, status="approved")
    old = owner.name
    owner.name = "New Name Co 新名称"
    owner.save()
    enterprise_name_changed.send(sender=type(owner), enterprise=owner, old_name=old, actor=None)
    change = services.authorization_request_change(
        authorization=fetch(auth), enterprise=owner, terms={}, today=D(2026, 6, 1)
    )
    services.authorization_change_approve(change=change, actor=reviewer)
    auth = fetch(auth)
    assert auth.principal_name == "New Name Co 新名称" and auth.party_details_outdated is False


# --- automatic renewal and expiry ---------------------------------------------------------
def test_renewal_runs_30_days_before_valid_to_and_counts_from_valid_to(
    owner, broker, authorization_factory, owner_user, broker_user
):
    auth = authorization_factory(
        owner, broker, status="approved", valid_from=D(2026, 1, 1), valid_to=D(2026, 3, 31), auto_renew=True
    )  # a 90-day term
    result = services.authorizations_expire_and_renew(on_date=D(2026, 2, 28))  # 31 days before
    assert result["renewed"] == []
    result = services.authorizations_expire_and_renew(on_date=D(2026, 3, 1))  # 30 days before
    assert [a.pk for a in result["renewed"]] == [auth.pk]
    auth = fetch(auth)
    assert auth.valid_to == D(2026, 6, 29)  # 90 more days after 03-31, not after today
    assert auth.valid_from == D(2026, 1, 1) and auth.renewed_count == 1
    assert auth.history.get().event == "renew"
    for user in (owner_user, broker_user):
        assert Notification.objects.filter(
            user=user, kind="authorization", title__params__number=auth.number
        ).exists()
    # Idempotent: the same day again renews nothing more.
    assert services.authorizations_expire_and_renew(on_date=D(2026, 3, 1))["renewed"] == []
    assert fetch(auth).valid_to == D(2026, 6, 29)


@pytest.mark.parametrize(
    ("party", "change"),
    [("principal", {"credit_rating": "dishonest"}), ("agent", {"credit_rating": "dishonest"})],
)
def test_no_renewal_when_a_party_is_rated_dishonest(enterprise_factory, authorization_factory, party, change):
    owner_fields = change if party == "principal" else {}
    broker_fields = change if party == "agent" else {}
    owner = enterprise_factory(roles=("owner",), **owner_fields)
    broker = enterprise_factory(roles=("broker",), **broker_fields)
    auth = authorization_factory(owner, broker, status="approved", valid_to=D(2026, 3, 31), auto_renew=True)
    assert services.authorizations_expire_and_renew(on_date=D(2026, 3, 15))["renewed"] == []
    assert fetch(auth).valid_to == D(2026, 3, 31)


def test_no_renewal_when_a_party_is_no_longer_approved(enterprise_factory, authorization_factory):
    owner = enterprise_factory(roles=("owner",), approved=False)
    broker = enterprise_factory(roles=("broker",))
    auth = authorization_factory(owner, broker, status="approved", valid_to=D(2026, 3, 31), auto_renew=True)
    assert services.authorizations_expire_and_renew(on_date=D(2026, 3, 15))["renewed"] == []
    assert fetch(auth).renewed_count == 0


def test_no_renewal_when_switched_off(owner, broker, authorization_factory):
    auth = authorization_factory(owner, broker, status="approved", valid_to=D(2026, 3, 31), auto_renew=True)
    services.authorization_set_renewal(authorization=auth, enterprise=owner, auto_renew=False)
    assert services.authorizations_expire_and_renew(on_date=D(2026, 3, 15))["renewed"] == []


def test_expiry_is_the_day_after_valid_to(owner, broker, authorization_factory):
    auth = authorization_factory(owner, broker, status="approved", valid_to=D(2026, 3, 31))
    assert services.authorizations_expire_and_renew(on_date=D(2026, 3, 31))["expired"] == []
    assert authorization_is_valid(agent=broker, principal=owner, direction="import", on_date=D(2026, 3, 31))
    result = services.authorizations_expire_and_renew(on_date=D(2026, 4, 1))
    assert [a.pk for a in result["expired"]] == [auth.pk]
    assert fetch(auth).status == "expired"
    assert services.authorizations_expire_and_renew(on_date=D(2026, 4, 1))["expired"] == []
    assert fetch(auth).history.count() == 1


def test_expire_command_is_idempotent_and_takes_a_date(owner, broker, authorization_factory, capsys):
    auth = authorization_factory(owner, broker, status="approved", valid_to=D(2026, 3, 31))
    call_command("expire_authorizations", "--date", "2026-04-02")
    assert "renewed 0, expired 1" in capsys.readouterr().out
    call_command("expire_authorizations", "--date", "2026-04-02")
    assert "renewed 0, expired 0" in capsys.readouterr().out
    assert fetch(auth).status == "expired"


def test_expire_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("expire_authorizations", "--date", "2026-13-01")


def test_beat_task_runs_the_same_service(owner, broker, authorization_factory):
    auth = authorization_factory(owner, broker, status="approved", valid_to=D(2026, 3, 31))
    assert expire_authorizations_task(on_date="2026-04-01") == {"renewed": [], "expired": [auth.number]}


# --- withdrawing a change request -----------------------------------------------------------
def test_the_requesting_party_withdraws_its_change_and_the_other_cannot(
    owner, broker, owner_user, authorization_factory
):
    auth = authorization_factory(owner, broker, status="approved", scope="export")
    change = services.authorization_request_change(
        authorization=auth, enterprise=owner, actor=owner_user, terms={"scope": "both"}, today=D(2026, 6, 1)
    )
    with pytest.raises(ApplicationError) as exc:
        services.authorization_change_withdraw(authorization=auth, enterprise=broker)
    assert exc.value.code == "not_change_requester"
    assert AuthorizationChange.objects.get(pk=change.pk).status == "pending"

    withdrawn = services.authorization_change_withdraw(authorization=auth, enterprise=owner, actor=owner_user)
    assert withdrawn.status == "withdrawn"
    auth = fetch(auth)
    assert auth.scope == "export" and auth.status == "approved"
    entry = auth.history.order_by("id").last()
    assert entry.event == "withdraw_change" and entry.change_id == change.pk and entry.actor == owner_user
    with pytest.raises(ApplicationError) as exc:
        services.authorization_change_withdraw(authorization=auth, enterprise=owner)
    assert exc.value.code == "no_pending_change"
    # a new request can follow
    services.authorization_request_change(
        authorization=auth, enterprise=broker, terms={"scope": "import"}, today=D(2026, 6, 1)
    )


def test_a_decided_change_cannot_be_withdrawn(owner, broker, authorization_factory, reviewer):
    auth = authorization_factory(owner, broker, status="approved", scope="export")
    change = services.authorization_request_change(
        authorization=auth, enterprise=owner, terms={"scope": "both"}, today=D(2026, 6, 1)
    )
    services.authorization_change_approve(change=change, actor=reviewer)
    with pytest.raises(ApplicationError):
        services.authorization_change_withdraw(authorization=auth, enterprise=owner)
    assert AuthorizationChange.objects.get(pk=change.pk).status == "approved"


def test_both_parties_are_told_once_when_a_party_is_renamed(
    owner, broker, owner_user, broker_user, authorization_factory, enterprise_factory
):
    from registration.signals import enterprise_name_changed

    authorization_factory(owner, broker, status="approved", scope="import")
    authorization_factory(owner, broker, status="approved", scope="export")
    bystander = enterprise_factory(roles=("owner",))
    authorization_factory(bystander, broker, status="approved")
    old = owner.name
    owner.name = "Renamed Co 改名有限公司"
    owner.save()
    enterprise_name_changed.send(sender=type(owner), enterprise=owner, old_name=old, actor=None)
    for user in (owner_user, broker_user):
        notes = Notification.objects.filter(user=user, kind="authorization")
        assert notes.count() == 1 and "Renamed Co" in texts.render(notes.get().title)
