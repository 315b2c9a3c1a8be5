"""The enterprise profile: details, logged changes, company-name change through review, and
operators invited by the administrator."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registration import services
from registration.models import Enterprise, EnterpriseStatus, Invitation, User
from tests.registration.test_signup import EXE, pdf

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
    assert "新址9号" in entry.reason and "13900001111" in entry.reason


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


# --- company name: a new review -------------------------------------------------------------
def test_a_name_change_needs_a_new_licence_and_goes_back_to_review(enterprise, trader):
    old_name = enterprise.name
    done = services.enterprise_name_change_request(
        enterprise=enterprise, actor=trader, new_name="上海新名称贸易有限公司", licence_file=pdf()
    )
    assert done.status == EnterpriseStatus.PENDING_REVIEW
    assert done.name == old_name  # unchanged until customs approves
    assert done.pending_name == "上海新名称贸易有限公司"
    assert done.pending_licence.name.endswith(".pdf")
    entry = done.history.order_by("-id").first()
    assert (entry.from_status, entry.to_status) == ("approved", "pending_review")


def test_customs_approval_applies_the_new_name_and_keeps_the_customs_code(enterprise, trader, reviewer):
    from registration.review import enterprise_approve

    code = enterprise.customs_code
    pending = services.enterprise_name_change_request(
        enterprise=enterprise, actor=trader, new_name="上海新名称贸易有限公司", licence_file=pdf()
    )
    done = enterprise_approve(enterprise=pending, reviewer=reviewer)
    assert done.name == "上海新名称贸易有限公司"
    assert done.customs_code == code
    assert done.pending_name == ""
    assert done.licence_file.name == pending.pending_licence.name


def test_customs_can_refuse_a_name_change_and_the_enterprise_stays_registered(enterprise, trader, reviewer):
    from customs_portal.fsm import run_transition
    from registration.models import EnterpriseHistory

    pending = services.enterprise_name_change_request(
        enterprise=enterprise, actor=trader, new_name="Other name", licence_file=pdf()
    )
    done = run_transition(
        instance=pending,
        transition="refuse_name_change",
        history_model=EnterpriseHistory,
        actor=reviewer,
        reason="The licence shows another name.",
    )
    assert done.status == EnterpriseStatus.APPROVED and done.name == enterprise.name


def test_a_first_registration_cannot_be_treated_as_a_refused_name_change(enterprise_factory, reviewer):
    from customs_portal.fsm import run_transition
    from registration.models import EnterpriseHistory

    pending = enterprise_factory(approved=False)
    with pytest.raises(services.ApplicationError):
        run_transition(
            instance=pending, transition="refuse_name_change", history_model=EnterpriseHistory, actor=reviewer
        )


@pytest.mark.parametrize(
    "new_name,upload,code",
    [
        ("", "pdf", "name_required"),
        ("same", "pdf", "same_name"),
        ("New name", None, "document_required"),
        ("New name", "exe", "invalid_document"),
    ],
)
def test_a_name_change_is_refused_without_a_new_name_or_a_real_scan(
    enterprise, trader, new_name, upload, code
):
    files = {"pdf": pdf(), "exe": SimpleUploadedFile("l.pdf", EXE), None: None}
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_name_change_request(
            enterprise=enterprise,
            actor=trader,
            new_name=enterprise.name if new_name == "same" else new_name,
            licence_file=files[upload],
        )
    assert exc.value.code == code
    assert fresh(enterprise).status == EnterpriseStatus.APPROVED


def test_the_name_change_page_sends_it_for_review(trader_client, enterprise):
    response = trader_client.post(
        reverse("registration:name_change"), {"new_name": "杭州新名字有限公司", "licence_file": pdf()}
    )
    assert response.status_code == 302 and response.url == reverse("registration:status")
    assert fresh(enterprise).pending_name == "杭州新名字有限公司"
    body = trader_client.get(reverse("registration:status"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "杭州新名字有限公司" in body


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
    link = re.search(r"http://testserver(/registration/invitation/[\w-]+/)", mailoutbox[0].body).group(1)
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
    assert enterprise.history.filter(reason__contains=operator.username).exists()


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
