"""The enterprise profile: details, logged changes, company-name change through review, and
operators invited by the administrator."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customs_portal import texts
from registration import services
from registration.models import Enterprise, EnterpriseStatus, Invitation, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


def fresh(enterprise):
    return Enterprise.objects.get(pk=enterprise.pk)


@pytest.fixture
def operator(trader_factory, enterprise):
    return trader_factory(enterprise, admin=False)


def _invite(enterprise, actor, email="new.operator@example.com"):
    return services.invitation_create(
        enterprise=enterprise,
        actor=actor,
        email=email,
        accept_url_for=lambda token: f"http://portal/inv/{token}/",
    )


# --- the profile page ---------------------------------------------------------------------
def test_profile_page_shows_the_enterprise_and_its_users(trader_client, enterprise, trader, operator):
    response = trader_client.get(reverse("registration:profile"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert enterprise.name in body and enterprise.uscc in body and enterprise.customs_code in body
    assert trader.username in body and operator.username in body
    assert reverse("registration:profile_edit") in body


def test_profile_page_never_shows_another_enterprise(trader_client, other_enterprise, trader_factory):
    stranger = trader_factory(other_enterprise)
    body = trader_client.get(reverse("registration:profile")).content.decode()
    assert other_enterprise.name not in body and stranger.username not in body


def test_an_operator_sees_the_profile_but_cannot_change_it(client, operator):
    client.force_login(operator)
    body = client.get(reverse("registration:profile")).content.decode()
    assert reverse("registration:profile_edit") not in body
    for name in ["profile_edit", "name_change", "invite"]:
        assert client.get(reverse(f"registration:{name}")).status_code == 404, name


@pytest.mark.parametrize("name", ["profile", "profile_edit", "name_change", "invite"])
def test_profile_pages_need_a_signed_in_user(client, db, name):
    response = client.get(reverse(f"registration:{name}"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["profile", "profile_edit", "name_change", "invite"])
def test_profile_pages_wait_for_customs_approval(client, enterprise_factory, trader_factory, name):
    pending = enterprise_factory(approved=False)
    client.force_login(trader_factory(pending))
    response = client.get(reverse(f"registration:{name}"))
    assert response.status_code == 302 and response.url == reverse("registration:status")


# --- other changes: applied and logged ---------------------------------------------------
def test_profile_changes_are_applied_and_logged(enterprise, trader):
    data = {field: getattr(enterprise, field) for field in services.PROFILE_FIELDS}
    data.update(address="上海市静安区新址9号", contact_phone="+86 139 0000 1111")
    done = services.enterprise_profile_update(enterprise=enterprise, actor=trader, data=data)
    assert done.address == "上海市静安区新址9号"
    assert done.contact_phone == "13900001111"
    assert done.status == EnterpriseStatus.APPROVED
    entry = done.history.order_by("-id").first()
    assert entry.actor == trader
    note = texts.render(entry.reason, "en")
    assert "新址9号" in note and "13900001111" in note


def test_an_unchanged_profile_writes_no_log(enterprise, trader):
    data = {field: getattr(enterprise, field) for field in services.PROFILE_FIELDS}
    services.enterprise_profile_update(enterprise=enterprise, actor=trader, data=data)
    assert enterprise.history.count() == 0


def test_only_the_administrator_changes_the_profile(enterprise, operator):
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_profile_update(enterprise=enterprise, actor=operator, data={"address": "x"})
    assert exc.value.code == "not_admin"


def test_a_trader_cannot_change_another_enterprise(other_enterprise, trader):
    with pytest.raises(services.ApplicationError):
        services.enterprise_profile_update(enterprise=other_enterprise, actor=trader, data={"address": "x"})


def test_the_profile_form_saves(trader_client, enterprise):
    data = {field: getattr(enterprise, field) for field in services.PROFILE_FIELDS}
    data["contact_name"] = "赵六"
    data["pilot_zone"] = "on"
    response = trader_client.post(reverse("registration:profile_edit"), data)
    assert response.status_code == 302
    enterprise = fresh(enterprise)
    assert enterprise.contact_name == "赵六" and enterprise.pilot_zone


def test_the_profile_form_shows_a_bad_phone_inline(trader_client, enterprise):
    data = {field: getattr(enterprise, field) for field in services.PROFILE_FIELDS}
    data["contact_phone"] = "123"
    response = trader_client.post(reverse("registration:profile_edit"), data)
    assert response.status_code == 200 and "contact_phone" in response.context["form"].errors


# --- operators -----------------------------------------------------------------------------
def test_the_administrator_invites_an_operator_by_email(
    enterprise, trader, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(enterprise, trader)
    assert invitation.is_open
    assert mailoutbox[0].to == ["new.operator@example.com"]
    token = re.search(r"/inv/([\w-]+)/", mailoutbox[0].body).group(1)
    assert invitation.token_hash != token  # only the hash is stored
    user = services.invitation_accept(
        token=token, username="wang.op", password="Operator-pass-2026", name="王"
    )
    assert user.enterprise == enterprise and not user.is_enterprise_admin and user.is_active
    assert user.email == "new.operator@example.com"
    invitation.refresh_from_db()
    assert invitation.accepted_user == user and not invitation.is_open
    with pytest.raises(services.ApplicationError):
        services.invitation_accept(token=token, username="again", password="Operator-pass-2026")


def test_an_expired_invitation_is_refused(enterprise, trader, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(enterprise, trader)
    token = re.search(r"/inv/([\w-]+)/", mailoutbox[0].body).group(1)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(services.ApplicationError) as exc:
        services.invitation_accept(token=token, username="late", password="Operator-pass-2026")
    assert exc.value.code == "invitation_invalid"
    assert not User.objects.filter(username="late").exists()


def test_an_operator_cannot_invite(enterprise, operator):
    with pytest.raises(services.ApplicationError) as exc:
        _invite(enterprise, operator)
    assert exc.value.code == "not_admin"


def test_an_unapproved_enterprise_cannot_invite(enterprise_factory, trader_factory):
    pending = enterprise_factory(approved=False)
    with pytest.raises(services.ApplicationError) as exc:
        _invite(pending, trader_factory(pending))
    assert exc.value.code == "not_approved"


def test_the_invitation_pages_work_end_to_end(
    trader_client, enterprise, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = trader_client.post(reverse("registration:invite"), {"email": "op@example.com"})
    assert response.status_code == 302
    # the link is absolute under SITE_URL (the address the portal is reached at), as in every e-mail
    link = re.search(
        re.escape(settings.SITE_URL) + r"(/registration/invitation/[\w-]+/)", mailoutbox[0].body
    ).group(1)
    anonymous = Client()
    page = anonymous.get(link, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and enterprise.name in page.content.decode()
    response = anonymous.post(
        link,
        {
            "name": "Op",
            "phone": "",
            "username": "op.user",
            "password1": "Operator-pass-2026",
            "password2": "Operator-pass-2026",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="op.user").enterprise == enterprise
    assert Client().get(link).status_code == 404  # used


def test_an_unknown_invitation_link_is_404(client, db):
    assert client.get(reverse("registration:accept_invitation", args=["nope"])).status_code == 404


def test_the_administrator_deactivates_an_operator(trader_client, enterprise, operator):
    response = trader_client.post(reverse("registration:deactivate_user", args=[operator.pk]))
    assert response.status_code == 302
    operator.refresh_from_db()
    assert not operator.is_active
    assert any(operator.username in texts.render(h.reason, "en") for h in enterprise.history.all())


def test_deactivating_a_user_of_another_enterprise_is_404(trader_client, other_enterprise, trader_factory):
    stranger = trader_factory(other_enterprise, admin=False)
    response = trader_client.post(reverse("registration:deactivate_user", args=[stranger.pk]))
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.is_active


def test_deactivating_needs_a_signed_in_administrator(client, operator, trader):
    response = client.post(reverse("registration:deactivate_user", args=[trader.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(operator)
    assert client.post(reverse("registration:deactivate_user", args=[trader.pk])).status_code == 404
    trader.refresh_from_db()
    assert trader.is_active
