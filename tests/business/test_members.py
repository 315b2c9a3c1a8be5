"""Members: people ask to join by USCC, the administrator accepts or declines, removes members,
and reads who did what."""

import pytest
from django.core import mail
from django.test import Client

from customs_portal.errors import ApplicationError
from notifications.models import Notification
from registration.cooperation.business.members import audit_entries, join_request_create, join_request_decide
from registration.cooperation.business.models import JoinRequest
from registration.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase-42"


def ask(enterprise, **extra):
    data = {
        "uscc": enterprise.uscc,
        "full_name": "Chen Jing 陈静",
        "username": "chen.jing",
        "email": "chen@example.com",
        "password": PASSWORD,
        "message": "I handle the declarations.",
        "language": "zh-hans",
    }
    data.update(extra)
    return join_request_create(**data)


def test_a_person_asks_to_join_in_the_browser_and_the_administrators_are_told(enterprise, trader):
    c = Client()
    response = c.post(
        "/cooperation/join/",
        {
            "uscc": enterprise.uscc.lower(),
            "full_name": "Chen Jing 陈静",
            "email": "chen@example.com",
            "username": "chen.jing",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and enterprise.name in response.content.decode()
    join = JoinRequest.objects.get()
    assert join.enterprise == enterprise and join.status == "pending" and join.language == "en"
    assert not User.objects.filter(username="chen.jing").exists()  # no account before acceptance
    assert Notification.objects.filter(user=trader, kind="join_request").count() == 1


def test_an_unknown_uscc_or_a_bad_one_is_refused_with_nothing_saved(enterprise_factory):
    pending = enterprise_factory(approved=False)
    with pytest.raises(ApplicationError) as exc:
        ask(pending)
    assert exc.value.code == "no_enterprise"
    r = Client().post("/cooperation/join/", {"uscc": "91310115000000001X", "full_name": "x", "email": "x@example.com",
                                             "username": "x", "password1": PASSWORD, "password2": PASSWORD},
                      HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert r.status_code == 400 and "unified social credit code" in r.content.decode()
    assert JoinRequest.objects.count() == 0


def test_the_same_request_twice_is_one_and_a_taken_user_name_is_refused(enterprise, trader):
    first = ask(enterprise)
    assert ask(enterprise).pk == first.pk
    with pytest.raises(ApplicationError) as exc:
        ask(enterprise, email="other@example.com", username=trader.username)
    assert exc.value.code == "username_taken"


def test_accepting_makes_an_operator_account_that_signs_in_and_the_person_is_emailed(
    enterprise, trader, django_capture_on_commit_callbacks
):
    join = ask(enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        join = join_request_decide(request=join, actor=trader, accept=True)
    user = User.objects.get(username="chen.jing")
    assert join.status == "accepted" and join.user == user and join.password_hash == ""
    assert user.enterprise == enterprise and not user.is_enterprise_admin and user.language == "zh-hans"
    assert user.check_password(PASSWORD)
    assert mail.outbox[-1].to == ["chen@example.com"] and "申请已被接受" in mail.outbox[-1].subject
    assert enterprise.history.filter(actor=trader).exists()


def test_declining_makes_no_account_and_a_second_decision_is_refused(enterprise, trader, trader_factory):
    join = ask(enterprise)
    join_request_decide(request=join, actor=trader, accept=False)
    assert not User.objects.filter(username="chen.jing").exists()
    with pytest.raises(ApplicationError):
        join_request_decide(request=join, actor=trader_factory(enterprise), accept=True)
    assert JoinRequest.objects.get(pk=join.pk).status == "declined"


def test_only_the_enterprises_own_administrator_decides(enterprise, other_enterprise, trader_factory):
    join = ask(enterprise)
    for actor in (trader_factory(enterprise, admin=False), trader_factory(other_enterprise)):
        with pytest.raises(ApplicationError):
            join_request_decide(request=join, actor=actor, accept=True)
    assert JoinRequest.objects.get(pk=join.pk).status == "pending"


def test_administrator_accepts_and_removes_members_on_the_members_page(client, enterprise, trader):
    client.force_login(trader)
    join = ask(enterprise)
    page = client.get("/cooperation/members/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Chen Jing 陈静" in page
    assert client.post("/cooperation/members/", {"action": "accept", "request": join.pk}).status_code == 302
    user = User.objects.get(username="chen.jing")
    assert client.post("/cooperation/members/", {"action": "remove", "user": user.pk}).status_code == 302
    assert not User.objects.get(pk=user.pk).is_active
    # the administrator cannot remove themself
    client.post("/cooperation/members/", {"action": "remove", "user": trader.pk})
    assert User.objects.get(pk=trader.pk).is_active


def test_another_enterprises_request_or_member_cannot_be_touched(
    client, enterprise, other_enterprise, trader_factory
):
    join = ask(enterprise)
    member = trader_factory(enterprise, admin=False)
    client.force_login(trader_factory(other_enterprise))
    assert client.post("/cooperation/members/", {"action": "accept", "request": join.pk}).status_code == 404
    assert client.post("/cooperation/members/", {"action": "remove", "user": member.pk}).status_code == 404
    assert "Chen Jing" not in client.get("/cooperation/members/").content.decode()
    assert (
        JoinRequest.objects.get(pk=join.pk).status == "pending" and User.objects.get(pk=member.pk).is_active
    )


@pytest.mark.parametrize("path", ["/cooperation/members/", "/cooperation/members/audit/"])
def test_member_pages_are_for_the_administrator_only(client, path, enterprise, trader_factory, staff_factory):
    assert client.get(path).status_code == 302
    client.force_login(trader_factory(enterprise, admin=False))
    assert client.get(path).status_code == 403
    client.force_login(staff_factory("reviewer"))
    assert client.get(path).status_code == 403
    client.force_login(trader_factory(enterprise))
    assert client.get(path).status_code == 200


def test_a_signed_in_user_is_sent_away_from_the_join_page(trader_client):
    assert trader_client.get("/cooperation/join/").status_code == 302


def test_the_join_page_is_rate_limited():
    from django.core.cache import cache

    cache.clear()
    c = Client()
    codes = [c.post("/cooperation/join/", {"uscc": "x"}).status_code for _ in range(6)]
    assert codes[:5] == [400] * 5 and codes[5] == 429
    cache.clear()


def test_audit_lists_who_of_the_enterprise_did_what_and_nothing_of_others(
    client, enterprise, other_enterprise, trader, trader_factory
):
    from registration.cooperation.services import question_ask

    question_ask(enterprise=enterprise, actor=trader, category="other", subject="我们的问题", text="t")
    other = trader_factory(other_enterprise)
    question_ask(enterprise=other_enterprise, actor=other, category="other", subject="别人的问题", text="t")
    join_request_decide(request=ask(enterprise), actor=trader, accept=False)
    entries = audit_entries(enterprise=enterprise)
    subjects = [e.subject for e in entries]
    assert any("我们的问题" in s for s in subjects) and not any("别人的问题" in s for s in subjects)
    assert all(e.actor == trader.username for e in entries)
    client.force_login(trader)
    page = client.get("/cooperation/members/audit/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "我们的问题" in page and "别人的问题" not in page and "谁做了什么" in page
