"""Recovery and credentials: password reset by a code (no answer tells whether an account
exists), password change, sessions ended, confirmed contact changes, the second factor for
traders (recovery codes, required by the enterprise) and the admin's one-submission sign-in."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from customs_portal import texts
from registration import credentials
from registration.models import Enterprise, EnterpriseHistory, SmsDevice, User, UserSession

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "Harbour-lights-2027"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _mail_and_cache(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a request queues on commit (the test's transaction never commits)."""

    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return run


@pytest.fixture
def member(trader):
    """A trader whose e-mail and mobile number were confirmed by a code."""
    trader.phone = "13912345678"
    trader.save(update_fields=["phone"])
    EmailDevice.objects.create(user=trader, name="registration", email=trader.email, confirmed=True)
    SmsDevice.objects.create(user=trader, name="registration", number=trader.phone, confirmed=True)
    return trader


def code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def signed_in(user) -> Client:
    c = Client()
    c.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    return c


def is_signed_in(c: Client) -> bool:
    return c.get(reverse("security:overview")).status_code == 200


def sign_in(c: Client, username: str, password: str = PASSWORD):
    return c.post(reverse("login"), {"username": username, "password": password}, **EN)


def with_totp(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device


def now_code(device) -> str:
    return f"{totp(device.bin_key):06d}"


# --- password reset --------------------------------------------------------------------------
def test_a_reset_code_by_email_sets_the_new_password_and_ends_every_session(
    client, member, mailoutbox, commit
):
    other = signed_in(member)
    assert is_signed_in(other) and UserSession.objects.filter(user=member).count() == 1

    response = commit(
        client.post, reverse("security:password_reset"), {"identifier": member.username, "channel": "email"}
    )
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[member.email]]
    response = client.post(
        reverse("security:password_reset_confirm"),
        {"code": code_in(mailoutbox[0].body), "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response.url == reverse("login")
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert not is_signed_in(other)
    assert not Session.objects.filter(session_key__in=UserSession.objects.values("session_key")).exists()
    assert not UserSession.objects.filter(user=member).exists()


def test_a_reset_code_by_sms_is_found_by_the_mobile_number(client, member, sms_outbox, commit):
    commit(client.post, reverse("security:password_reset"), {"identifier": "139 1234 5678", "channel": "sms"})
    assert [m["phone"] for m in sms_outbox] == ["13912345678"]
    client.post(
        reverse("security:password_reset_confirm"),
        {
            "code": code_in(sms_outbox[0]["text"]),
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_a_code_goes_only_to_a_confirmed_address(client, trader, mailoutbox, sms_outbox, commit):
    trader.phone = "13912345678"
    trader.save(update_fields=["phone"])  # never confirmed by a code
    commit(client.post, reverse("security:password_reset"), {"identifier": trader.username, "channel": "sms"})
    commit(
        client.post, reverse("security:password_reset"), {"identifier": trader.username, "channel": "email"}
    )
    assert sms_outbox == [] and mailoutbox == []


def _reset_pages(identifier: str, commit, channel="email") -> list:
    c = Client()
    first = commit(
        c.post, reverse("security:password_reset"), {"identifier": identifier, "channel": channel}, **EN
    )
    page = c.get(first.url, **EN)
    wrong = c.post(
        first.url,
        {"code": "000000", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        **EN,
    )
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())  # noqa: E731
    return [first.status_code, first.url, strip(page.content), wrong.status_code, strip(wrong.content)]


def test_the_reset_answers_the_same_for_an_existing_and_an_unknown_account(
    member, trader_factory, enterprise, mailoutbox, commit
):
    unconfirmed = trader_factory(enterprise, admin=False)
    existing = _reset_pages(member.username, commit)
    assert len(mailoutbox) == 1  # the account exists: a code went out
    unknown = _reset_pages("nobody-here", commit)
    no_address = _reset_pages(unconfirmed.username, commit)
    unknown_mail = _reset_pages("nobody@example.com", commit)
    assert existing == unknown == no_address == unknown_mail
    assert "The code is wrong or has expired. 4 attempts left." in existing[4]
    assert len(mailoutbox) == 1


def test_a_reset_request_does_the_same_work_whether_or_not_the_account_exists(member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    work = []
    for name in (member.username, "nobody-here", member.email):
        client = Client()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                reverse("security:password_reset"), {"identifier": name, "channel": "email"}
            )
        assert response.status_code == 302
        # the session's row differs only by its key and data; the account is never looked up
        work.append([re.sub(r"'[^']*'|\"s\d+_x\d+\"", "?", q["sql"]) for q in queries.captured_queries])
    assert work[0] == work[1] == work[2]
    assert not any("registration_user" in sql for sql in work[0])


def test_reset_codes_are_rate_limited_whether_or_not_the_account_exists(member, mailoutbox, commit):
    answers = {}
    for number, name in enumerate((member.username, "nobody-here")):
        c = Client(REMOTE_ADDR=f"10.0.0.{number}")  # the per-address limit (10 an hour) aside
        for _i in range(5):
            assert (
                commit(
                    c.post, reverse("security:password_reset"), {"identifier": name, "channel": "email"}
                ).status_code
                == 302
            )
        sixth = c.post(reverse("security:password_reset"), {"identifier": name, "channel": "email"}, **EN)
        answers[name] = sixth.status_code, "Too many codes were requested" in sixth.content.decode()
    assert answers[member.username] == answers["nobody-here"] == (200, True)
    assert len(mailoutbox) == 1  # once a minute: the other four were silently not sent


def test_five_wrong_reset_codes_lock_the_reset_for_15_minutes(client, member, mailoutbox, commit):
    commit(
        client.post, reverse("security:password_reset"), {"identifier": member.username, "channel": "email"}
    )
    code = code_in(mailoutbox[0].body)
    wrong = "111111" if code != "111111" else "222222"
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    for _i in range(5):
        client.post(reverse("security:password_reset_confirm"), {**data, "code": wrong})
    response = client.post(reverse("security:password_reset_confirm"), {**data, "code": code}, **EN)
    assert "Verification is locked until" in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_the_reset_code_page_needs_a_request_first(client, db):
    response = client.get(reverse("security:password_reset_confirm"))
    assert response.status_code == 302 and response.url == reverse("security:password_reset")


# --- password change -------------------------------------------------------------------------
def test_a_password_change_keeps_this_session_and_ends_the_others(member):
    this, other = signed_in(member), signed_in(member)
    assert is_signed_in(other)
    response = this.post(
        reverse("security:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert is_signed_in(this) and not is_signed_in(other)
    assert list(UserSession.objects.filter(user=member).values_list("session_key", flat=True)) == [
        this.session.session_key
    ]
    assert Session.objects.filter(session_key=this.session.session_key).exists()


def test_a_wrong_old_password_changes_nothing(trader_client, trader):
    response = trader_client.post(
        reverse("security:password_change"),
        {"old_password": "wrong-one-here", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200 and "old_password" in response.context["form"].errors
    trader.refresh_from_db()
    assert trader.check_password(PASSWORD)


# --- contact changes ---------------------------------------------------------------------------
def test_a_new_email_takes_effect_only_with_its_code_and_the_old_address_is_told(
    trader_client, member, mailoutbox, commit
):
    old = member.email
    response = commit(
        trader_client.post,
        reverse("security:contact_change", args=["email"]),
        {"value": "new.me@example.com"},
    )
    assert response.url == reverse("security:contact_confirm", args=["user", "email"])
    member.refresh_from_db()
    assert member.email == old  # not yet
    assert mailoutbox[-1].to == ["new.me@example.com"]
    wrong = "111111" if code_in(mailoutbox[-1].body) != "111111" else "222222"
    trader_client.post(response.url, {"code": wrong})
    member.refresh_from_db()
    assert member.email == old
    commit(trader_client.post, response.url, {"code": code_in(mailoutbox[-1].body)})
    member.refresh_from_db()
    assert member.email == "new.me@example.com"
    assert mailoutbox[-1].to == [old] and "ne***@example.com" in mailoutbox[-1].body
    assert credentials.verified_channels(user=member) >= {"email"}


def test_a_new_mobile_number_is_confirmed_by_sms_and_the_old_number_is_told(
    trader_client, member, sms_outbox, commit
):
    commit(trader_client.post, reverse("security:contact_change", args=["phone"]), {"value": "13700001111"})
    assert sms_outbox[-1]["phone"] == "13700001111"
    commit(
        trader_client.post,
        reverse("security:contact_confirm", args=["user", "phone"]),
        {"code": code_in(sms_outbox[-1]["text"])},
    )
    member.refresh_from_db()
    assert member.phone == "13700001111"
    assert sms_outbox[-1]["phone"] == "13912345678"
    assert SmsDevice.objects.get(user=member, name="registration").number == "13700001111"


def test_the_enterprise_contact_changes_only_with_the_code_sent_to_it(
    trader_client, trader, enterprise, sms_outbox, commit
):
    old_phone = enterprise.contact_phone
    data = {
        "address": "上海市静安区新址9号",
        "legal_representative": enterprise.legal_representative,
        "contact_name": enterprise.contact_name,
        "contact_phone": "137 0000 2222",
        "contact_email": enterprise.contact_email,
    }
    response = commit(trader_client.post, reverse("registration:profile_edit"), data)
    assert response.url == reverse("security:contact_confirm", args=["enterprise", "phone"])
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    assert enterprise.address == "上海市静安区新址9号" and enterprise.contact_phone == old_phone
    assert sms_outbox[-1]["phone"] == "13700002222"
    commit(trader_client.post, response.url, {"code": code_in(sms_outbox[-1]["text"])})
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    assert enterprise.contact_phone == "13700002222"
    assert sms_outbox[-1]["phone"] == old_phone
    notes = [texts.render(h.reason, "en") for h in EnterpriseHistory.objects.filter(enterprise=enterprise)]
    assert any("13700002222" in note for note in notes)


def test_an_operator_cannot_confirm_an_enterprise_contact(client, trader_factory, enterprise):
    client.force_login(trader_factory(enterprise, admin=False))
    assert client.get(reverse("security:contact_confirm", args=["enterprise", "phone"])).status_code == 404
    assert client.post(reverse("security:enterprise_two_factor"), {"required": "on"}).status_code == 404


# --- the second factor ----------------------------------------------------------------------
def test_turning_on_totp_then_signing_in_asks_for_its_code(trader_client, trader):
    response = trader_client.get(reverse("security:totp_setup"), **EN)
    assert "otpauth://totp/" in response.content.decode()
    device = TOTPDevice.objects.get(user=trader, confirmed=False)
    response = trader_client.post(reverse("security:totp_setup"), {"code": now_code(device)}, **EN)
    assert len(response.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed

    c = Client()
    response = sign_in(c, trader.username)
    assert response.url == reverse("security:login_code")
    assert not is_signed_in(c)  # the password alone does not sign in
    assert c.post(reverse("security:login_code"), {"code": "12345"}, **EN).status_code == 200
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    device.last_t = -1
    device.save()
    response = c.post(reverse("security:login_code"), {"code": now_code(device)})
    assert response.status_code == 302 and is_signed_in(c)


def test_a_recovery_code_signs_in_once(trader):
    with_totp(trader)
    codes = credentials.recovery_codes_renew(user=trader)
    c = Client()
    sign_in(c, trader.username)
    assert c.post(reverse("security:login_code"), {"code": codes[0]}).status_code == 302
    assert is_signed_in(c)
    assert StaticToken.objects.filter(device__user=trader).count() == 9
    c2 = Client()
    sign_in(c2, trader.username)
    response = c2.post(reverse("security:login_code"), {"code": codes[0]}, **EN)
    assert response.status_code == 200 and "The code is wrong" in response.content.decode()
    assert not is_signed_in(c2)


def test_five_wrong_second_factor_codes_ask_for_the_password_again(trader):
    with_totp(trader)
    c = Client()
    sign_in(c, trader.username)
    for _i in range(4):
        assert c.post(reverse("security:login_code"), {"code": "abcdefgh"}).status_code == 200
    response = c.post(reverse("security:login_code"), {"code": "abcdefgh"})
    assert response.url == reverse("login")
    assert c.get(reverse("security:login_code")).url == reverse("login")


def test_an_enterprise_that_requires_it_sends_users_without_one_to_set_it_up(
    trader, trader_factory, enterprise
):
    with_totp(trader)
    operator = trader_factory(enterprise, admin=False)
    operator_session = signed_in(operator)
    admin = Client()
    sign_in(admin, trader.username)
    device = TOTPDevice.objects.get(user=trader)
    admin.post(reverse("security:login_code"), {"code": now_code(device)})
    response = admin.post(reverse("security:enterprise_two_factor"), {"required": "on"})
    assert response.status_code == 302 and credentials.two_factor_required(user=operator)
    assert not is_signed_in(operator_session)  # its session ended

    c = Client()
    response = sign_in(c, operator.username)
    assert response.url == reverse("security:totp_setup")
    assert not is_signed_in(c)
    assert c.get(reverse("registration:profile")).status_code == 302
    c.get(reverse("security:totp_setup"))
    new = TOTPDevice.objects.get(user=operator)
    response = c.post(reverse("security:totp_setup"), {"code": now_code(new)})
    assert response.status_code == 200 and is_signed_in(c)
    # and it cannot be turned off while the enterprise requires it
    response = c.post(reverse("security:totp_disable"), {"password": PASSWORD}, **EN)
    assert "requires a second factor" in response.content.decode()
    assert TOTPDevice.objects.filter(user=operator, confirmed=True).exists()


def test_only_the_administrator_of_an_approved_enterprise_may_require_it(
    client, enterprise_factory, trader_factory
):
    user = trader_factory(enterprise_factory(approved=False))
    with_totp(user)
    client.force_login(user)
    assert client.post(reverse("security:enterprise_two_factor"), {"required": "on"}).status_code == 404
    assert not credentials.two_factor_required(user=user)


def test_signing_in_forgets_the_keys_of_sessions_that_ended(trader):
    old = signed_in(trader)
    Session.objects.filter(session_key=old.session.session_key).delete()  # expired and cleared
    new = signed_in(trader)
    assert list(UserSession.objects.filter(user=trader).values_list("session_key", flat=True)) == [
        new.session.session_key
    ]


def test_an_administrator_without_a_second_factor_cannot_require_it(trader_client, trader):
    trader_client.post(reverse("security:enterprise_two_factor"), {"required": "on"})
    assert not credentials.two_factor_required(user=trader)


def test_customs_staff_cannot_turn_their_second_factor_off(reviewer):
    with pytest.raises(credentials.ApplicationError):
        credentials.two_factor_disable(user=reviewer, password=PASSWORD)


def test_a_trader_turns_the_second_factor_off_with_the_password(trader_client, trader):
    with_totp(trader)
    credentials.recovery_codes_renew(user=trader)
    trader_client.post(reverse("security:totp_disable"), {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=trader).exists()
    assert credentials.recovery_codes_left(user=trader) == 0


def test_the_code_page_needs_the_password_first(client, db):
    assert client.get(reverse("security:login_code")).url == reverse("login")


@pytest.mark.parametrize(
    "name,args,method",
    [
        ("security:overview", [], "get"),
        ("security:password_change", [], "get"),
        ("security:contact_change", ["email"], "get"),
        ("security:contact_confirm", ["user", "email"], "get"),
        ("security:totp_setup", [], "get"),
        ("security:totp_disable", [], "get"),
        ("security:recovery_codes", [], "post"),
        ("security:enterprise_two_factor", [], "post"),
    ],
)
def test_account_pages_need_a_signed_in_user(client, db, name, args, method):
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- the admin: one submission ----------------------------------------------------------------
def test_the_admin_signs_in_with_password_and_code_in_one_submission(client, reviewer):
    device = reviewer.totpdevice_set.get()
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": reviewer.username,
            "password": PASSWORD,
            "otp_token": now_code(device),
            "next": "/admin/",
        },
    )
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_admin_code_is_refused_in_chinese(client, reviewer):
    device = reviewer.totpdevice_set.get()
    wrong = "000000" if now_code(device) != "000000" else "111111"
    response = client.post(
        "/admin/login/",
        {"username": reviewer.username, "password": PASSWORD, "otp_token": wrong},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Please select a device" not in body and "Invalid token" not in body
    assert "验证码" in body
    assert client.get("/admin/").status_code == 302
    User.objects.get(pk=reviewer.pk)
