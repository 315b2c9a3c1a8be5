"""Policy notices: customs publishes in admin; enterprises see new ones highlighted until read."""

import datetime as dt

import pytest

from customs_portal.errors import ApplicationError
from registration.cooperation.models import NoticeRead, PolicyNotice
from registration.cooperation.services import policy_notice_email, policy_notice_publish

pytestmark = pytest.mark.django_db


def notice(**fields):
    data = {"title": "跨境电商出口新规", "body": "自下月起执行。", "effective_date": dt.date(2026, 12, 1)}
    data.update(fields)
    return PolicyNotice.objects.create(**data)


def test_published_notice_is_highlighted_until_the_user_reads_it(trader_client, trader, reviewer):
    n = policy_notice_publish(notice=notice(), actor=reviewer)
    page = trader_client.get("/cooperation/notices/").content.decode()
    assert "跨境电商出口新规" in page and 'class="card unread"' in page
    assert trader_client.get(f"/cooperation/notices/{n.pk}/").status_code == 200
    assert NoticeRead.objects.filter(notice=n, user=trader).count() == 1
    page = trader_client.get("/cooperation/notices/").content.decode()
    assert 'class="card unread"' not in page


def test_unpublished_notice_is_not_shown(trader_client):
    n = notice()
    assert "跨境电商出口新规" not in trader_client.get("/cooperation/notices/").content.decode()
    assert trader_client.get(f"/cooperation/notices/{n.pk}/").status_code == 404


def test_notice_for_other_roles_is_not_shown(trader_client, reviewer):
    # the trader's enterprise is an owner and e-commerce enterprise, not a broker
    n = policy_notice_publish(notice=notice(for_broker=True), actor=reviewer)
    assert trader_client.get(f"/cooperation/notices/{n.pk}/").status_code == 404
    shown = policy_notice_publish(notice=notice(title="电商企业须知", for_ecommerce=True), actor=reviewer)
    assert trader_client.get(f"/cooperation/notices/{shown.pk}/").status_code == 200


def test_publishing_twice_is_refused(reviewer):
    n = policy_notice_publish(notice=notice(), actor=reviewer)
    with pytest.raises(ApplicationError):
        policy_notice_publish(notice=n, actor=reviewer)


def test_e_mail_on_publication_goes_to_concerned_enterprises_once_after_commit(
    enterprise_factory, trader_factory, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    broker = enterprise_factory(roles=("broker",))
    owner = enterprise_factory(roles=("owner",))
    to_broker, to_owner = trader_factory(broker), trader_factory(owner)
    n = notice(for_broker=True, email_on_publish=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        policy_notice_publish(notice=n, actor=reviewer)
    assert mailoutbox == []  # nothing before the publication commits
    for callback in callbacks:
        callback()
    assert [m.to for m in mailoutbox] == [[to_broker.email]]
    assert to_owner.email not in {a for m in mailoutbox for a in m.to}
    assert policy_notice_email(notice_id=n.pk) == 0  # a second run sends nothing
    assert len(mailoutbox) == 1


def test_reviewer_publishes_with_the_admin_action(reviewer_client):
    n = notice()
    reviewer_client.post(
        "/admin/cooperation/policynotice/", {"action": "publish_selected", "_selected_action": [n.pk]}
    )
    assert PolicyNotice.objects.get(pk=n.pk).published_at is not None
