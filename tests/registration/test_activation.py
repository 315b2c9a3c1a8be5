"""Activation: verification codes by e-mail or SMS, their limits, the status page, and
resubmitting after customs asked for corrections."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_email.models import EmailDevice

from customs_portal import texts
from registration import services
from registration.models import Enterprise, EnterpriseStatus, SmsDevice, VerificationThrottle
from tests.registration.test_signup import EXE, pdf, signup_kwargs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def applicant(db):
    """A freshly signed-up administrator whose enterprise awaits its verification code."""
    return services.enterprise_signup(**signup_kwargs())


@pytest.fixture
def applicant_client(client, applicant):
    client.force_login(applicant)
    return client


def fresh(enterprise):
    """Re-read from the database (the FSM-protected status cannot be refreshed in place)."""
    return Enterprise.objects.get(pk=enterprise.pk)


def _code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def _send(user, channel="email", address="10.0.0.1", capture=None):
    with capture(execute=True):
        return services.verification_code_send(user=user, channel=channel, client_address=address)


def _age_cooldown(user):
    """Pretend the last code went out more than a minute ago."""
    long_ago = timezone.now() - dt.timedelta(seconds=61)
    EmailDevice.objects.filter(user=user).update(last_generated_timestamp=long_ago)
    SmsDevice.objects.filter(user=user).update(last_generated_timestamp=long_ago)


# --- codes ---------------------------------------------------------------------------------
def test_the_right_email_code_activates_and_submits_for_review(
    applicant, mailoutbox, django_capture_on_commit_callbacks
):
    masked = _send(applicant, capture=django_capture_on_commit_callbacks)
    assert masked == "li***@example.com"
    assert mailoutbox[0].to == ["li@example.com"]
    code = _code_in(mailoutbox[0].body)
    enterprise = services.enterprise_verify(user=applicant, code=code)
    assert enterprise.status == EnterpriseStatus.PENDING_REVIEW
    assert enterprise.submitted_at is not None
    last = enterprise.history.order_by("-id").first()
    assert (last.from_status, last.to_status, last.actor) == ("unverified", "pending_review", applicant)
    assert EmailDevice.objects.get(user=applicant).confirmed


def test_the_right_sms_code_activates(applicant, sms_outbox, django_capture_on_commit_callbacks):
    assert _send(applicant, "sms", capture=django_capture_on_commit_callbacks) == "138****8000"
    assert sms_outbox[0]["phone"] == "13800138000"
    enterprise = services.enterprise_verify(user=applicant, code=_code_in(sms_outbox[0]["text"]))
    assert enterprise.status == EnterpriseStatus.PENDING_REVIEW
    assert SmsDevice.objects.get(user=applicant).confirmed


def test_a_code_is_single_use(applicant, mailoutbox, django_capture_on_commit_callbacks):
    _send(applicant, capture=django_capture_on_commit_callbacks)
    code = _code_in(mailoutbox[0].body)
    services.enterprise_verify(user=applicant, code=code)
    applicant.refresh_from_db()
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_verify(user=applicant, code=code)
    assert exc.value.code == "already_verified"
    assert EmailDevice.objects.get(user=applicant).token is None


def test_a_code_expires_after_ten_minutes(applicant, mailoutbox, django_capture_on_commit_callbacks):
    _send(applicant, capture=django_capture_on_commit_callbacks)
    device = EmailDevice.objects.get(user=applicant)
    assert dt.timedelta(minutes=9) < device.valid_until - timezone.now() <= dt.timedelta(minutes=10)
    EmailDevice.objects.filter(pk=device.pk).update(valid_until=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_verify(user=applicant, code=_code_in(mailoutbox[0].body))
    assert exc.value.code == "wrong_code"
    assert fresh(applicant.enterprise).status == EnterpriseStatus.UNVERIFIED


def test_a_new_code_replaces_the_old_one(applicant, mailoutbox, django_capture_on_commit_callbacks):
    _send(applicant, capture=django_capture_on_commit_callbacks)
    _age_cooldown(applicant)
    _send(applicant, capture=django_capture_on_commit_callbacks)
    first, second = _code_in(mailoutbox[0].body), _code_in(mailoutbox[1].body)
    if first != second:
        with pytest.raises(services.ApplicationError):
            services.enterprise_verify(user=applicant, code=first)
    assert services.enterprise_verify(user=applicant, code=second).status == EnterpriseStatus.PENDING_REVIEW


def test_a_new_code_can_be_sent_at_most_once_a_minute(applicant, django_capture_on_commit_callbacks):
    _send(applicant, capture=django_capture_on_commit_callbacks)
    with pytest.raises(services.ApplicationError) as exc:
        _send(applicant, capture=django_capture_on_commit_callbacks)
    assert exc.value.code == "cooldown"
    _age_cooldown(applicant)
    _send(applicant, capture=django_capture_on_commit_callbacks)


def test_sending_is_limited_per_destination(applicant, django_capture_on_commit_callbacks):
    for n in range(services.SEND_LIMIT_PER_DESTINATION):
        _send(applicant, address=f"10.0.0.{n}", capture=django_capture_on_commit_callbacks)
        _age_cooldown(applicant)
    with pytest.raises(services.ApplicationError) as exc:
        _send(applicant, address="10.0.1.1", capture=django_capture_on_commit_callbacks)
    assert exc.value.code == "rate_limited"
    # the other channel goes to another destination
    _send(applicant, "sms", address="10.0.1.2", capture=django_capture_on_commit_callbacks)


def test_sending_is_limited_per_client_address(db, django_capture_on_commit_callbacks):
    users = [
        services.enterprise_signup(**signup_kwargs(username=f"user{n}", contact_email=f"u{n}@example.com"))
        for n in range(services.SEND_LIMIT_PER_ADDRESS + 1)
    ]
    for user in users[:-1]:
        _send(user, address="203.0.113.9", capture=django_capture_on_commit_callbacks)
    with pytest.raises(services.ApplicationError) as exc:
        _send(users[-1], address="203.0.113.9", capture=django_capture_on_commit_callbacks)
    assert exc.value.code == "rate_limited"


def test_five_wrong_codes_lock_verification(applicant, mailoutbox, django_capture_on_commit_callbacks):
    _send(applicant, capture=django_capture_on_commit_callbacks)
    right = _code_in(mailoutbox[0].body)
    wrong = "000000" if right != "000000" else "111111"
    for _attempt in range(services.CODE_MAX_FAILURES):
        with pytest.raises(services.ApplicationError) as exc:
            services.enterprise_verify(user=applicant, code=wrong)
        assert exc.value.code == "wrong_code"
    assert services.verification_locked_until(user=applicant) is not None
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_verify(user=applicant, code=right)
    assert exc.value.code == "locked"
    assert fresh(applicant.enterprise).status == EnterpriseStatus.UNVERIFIED
    # the lock is over 15 minutes after the last wrong code
    VerificationThrottle.objects.filter(user=applicant).update(
        last_failure_at=timezone.now() - dt.timedelta(seconds=services.CODE_LOCK_SECONDS + 1)
    )
    assert services.verification_locked_until(user=applicant) is None
    assert services.enterprise_verify(user=applicant, code=right).status == EnterpriseStatus.PENDING_REVIEW


def test_an_activated_account_gets_no_more_codes(applicant, mailoutbox, django_capture_on_commit_callbacks):
    _send(applicant, capture=django_capture_on_commit_callbacks)
    services.enterprise_verify(user=applicant, code=_code_in(mailoutbox[0].body))
    applicant.refresh_from_db()
    _age_cooldown(applicant)
    with pytest.raises(services.ApplicationError) as exc:
        _send(applicant, capture=django_capture_on_commit_callbacks)
    assert exc.value.code == "already_verified"


# --- the verification page ----------------------------------------------------------------
def test_verification_page_needs_a_signed_in_user(client, db):
    response = client.get(reverse("registration:verify"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_verification_page_activates_with_the_right_code(
    applicant_client, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(
            reverse("registration:verify"), {"action": "send", "channel": "email"}
        )
    assert response.status_code == 302
    code = _code_in(mailoutbox[-1].body)
    response = applicant_client.post(reverse("registration:verify"), {"action": "verify", "code": code})
    assert response.status_code == 302
    assert response.url == reverse("registration:status")
    assert fresh(applicant.enterprise).status == EnterpriseStatus.PENDING_REVIEW


def test_verification_page_shows_a_wrong_code_inline(
    applicant_client, applicant, django_capture_on_commit_callbacks
):
    _send(applicant, capture=django_capture_on_commit_callbacks)
    response = applicant_client.post(
        reverse("registration:verify"), {"action": "verify", "code": "999999"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    # the code could, once in a million, be right
    if response.status_code == 200:
        assert "attempts left" in response.context["verify_form"].errors["code"][0]


def test_verification_page_shows_the_cooldown(
    applicant_client, applicant, django_capture_on_commit_callbacks
):
    _send(applicant, capture=django_capture_on_commit_callbacks)
    response = applicant_client.post(
        reverse("registration:verify"), {"action": "send", "channel": "email"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "less than a minute ago" in response.content.decode()


def test_a_verified_enterprise_is_sent_from_verification_to_status(trader_client):
    response = trader_client.get(reverse("registration:verify"))
    assert response.status_code == 302
    assert response.url == reverse("registration:status")


def test_staff_without_an_enterprise_get_404_on_trader_registration_pages(client, reviewer):
    client.force_login(reviewer)
    for name in ["verify", "status", "correct", "profile"]:
        assert client.get(reverse(f"registration:{name}")).status_code == 404, name


# --- the status page -------------------------------------------------------------------------
def test_status_page_needs_a_signed_in_user(client, db):
    response = client.get(reverse("registration:status"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_unapproved_account_can_only_reach_its_registration(applicant_client):
    response = applicant_client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("registration:status")
    response = applicant_client.get(reverse("authorization:list"))
    assert response.status_code == 302 and response.url == reverse("registration:status")
    response = applicant_client.get(reverse("registration:profile"))
    assert response.status_code == 302 and response.url == reverse("registration:status")
    response = applicant_client.get(reverse("registration:status"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Enter the verification code" in response.content.decode()


def test_status_page_shows_only_the_users_own_enterprise(trader_client, enterprise, other_enterprise):
    response = trader_client.get(reverse("registration:status"), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert enterprise.uscc in body
    assert other_enterprise.uscc not in body and other_enterprise.name not in body


@pytest.fixture
def corrections_requested(enterprise_factory, trader_factory, reviewer):
    from registration.review import enterprise_request_corrections

    enterprise = enterprise_factory(approved=False, roles=("owner",))
    admin = trader_factory(enterprise)
    enterprise = enterprise_request_corrections(
        enterprise=enterprise, reviewer=reviewer, reason="The licence scan is unreadable."
    )
    return enterprise, admin


def test_status_page_shows_the_reviewers_reason_for_corrections(client, corrections_requested):
    enterprise, admin = corrections_requested
    client.force_login(admin)
    response = client.get(reverse("registration:status"), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "Corrections requested" in body
    assert "The licence scan is unreadable." in body
    assert reverse("registration:correct") in body


def test_status_page_shows_the_rejection_reason(client, enterprise_factory, trader_factory, reviewer):
    from registration.review import enterprise_reject

    enterprise = enterprise_factory(approved=False)
    admin = trader_factory(enterprise)
    enterprise_reject(enterprise=enterprise, reviewer=reviewer, reason="Not a trading company.")
    client.force_login(admin)
    body = client.get(reverse("registration:status"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Rejected" in body and "Not a trading company." in body


# --- corrections and resubmission --------------------------------------------------------
def test_resubmitting_applies_the_corrections_and_goes_back_to_review(corrections_requested):
    enterprise, admin = corrections_requested
    data = {field: getattr(enterprise, field) for field in services.CORRECTION_FIELDS}
    data["address"] = "上海市黄浦区新地址2号"
    done = services.enterprise_resubmit(
        enterprise=enterprise, actor=admin, data=data, roles=["owner", "ecommerce"], licence_file=pdf()
    )
    assert done.status == EnterpriseStatus.PENDING_REVIEW
    assert done.address == "上海市黄浦区新地址2号"
    assert done.roles == ["owner", "ecommerce"]
    assert done.licence_file.name.endswith(".pdf")
    last = done.history.order_by("-id").first()
    assert (last.from_status, last.to_status) == ("corrections_requested", "pending_review")
    assert "新地址" in texts.render(last.reason, "en")


def test_resubmitting_refuses_a_uscc_of_another_enterprise(corrections_requested, other_enterprise):
    enterprise, admin = corrections_requested
    data = {field: getattr(enterprise, field) for field in services.CORRECTION_FIELDS}
    data["uscc"] = other_enterprise.uscc
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_resubmit(enterprise=enterprise, actor=admin, data=data, roles=["owner"])
    assert exc.value.code == "uscc_registered"
    enterprise = fresh(enterprise)
    assert enterprise.status == EnterpriseStatus.CORRECTIONS_REQUESTED


def test_resubmitting_refuses_a_bad_scan_and_changes_nothing(corrections_requested):
    from django.core.files.uploadedfile import SimpleUploadedFile

    enterprise, admin = corrections_requested
    data = {field: getattr(enterprise, field) for field in services.CORRECTION_FIELDS}
    data["address"] = "changed"
    with pytest.raises(services.ApplicationError):
        services.enterprise_resubmit(
            enterprise=enterprise,
            actor=admin,
            data=data,
            roles=["owner"],
            licence_file=SimpleUploadedFile("x.pdf", EXE),
        )
    enterprise = fresh(enterprise)
    assert enterprise.address != "changed"
    assert enterprise.status == EnterpriseStatus.CORRECTIONS_REQUESTED


def test_only_a_registration_awaiting_corrections_can_be_resubmitted(enterprise_factory, trader_factory):
    enterprise = enterprise_factory(approved=False)
    admin = trader_factory(enterprise)
    data = {field: getattr(enterprise, field) for field in services.CORRECTION_FIELDS}
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_resubmit(enterprise=enterprise, actor=admin, data=data, roles=["owner"])
    assert exc.value.code == "invalid_transition"


def test_the_correction_page_resubmits(client, corrections_requested):
    enterprise, admin = corrections_requested
    client.force_login(admin)
    page = client.get(reverse("registration:correct"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "The licence scan is unreadable." in page.content.decode()
    form = page.context["form"]
    data = {name: form.initial.get(name) for name in services.CORRECTION_FIELDS}
    data["pilot_zone"] = ""
    data["roles"] = ["owner"]
    data["licence_file"] = pdf()
    response = client.post(reverse("registration:correct"), data)
    assert response.status_code == 302, response.context["form"].errors
    enterprise = fresh(enterprise)
    assert enterprise.status == EnterpriseStatus.PENDING_REVIEW


def test_an_operator_cannot_correct_the_registration(client, corrections_requested, trader_factory):
    enterprise, _admin = corrections_requested
    operator = trader_factory(enterprise, admin=False)
    client.force_login(operator)
    assert client.get(reverse("registration:correct")).status_code == 404
    with pytest.raises(services.ApplicationError):
        services.enterprise_resubmit(enterprise=enterprise, actor=operator, data={}, roles=["owner"])


def test_the_correction_page_needs_a_signed_in_user(client, db):
    response = client.get(reverse("registration:correct"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_correction_page_sends_a_registration_not_awaiting_corrections_to_status(trader_client):
    response = trader_client.get(reverse("registration:correct"))
    assert response.status_code == 302 and response.url == reverse("registration:status")


# --- own documents ------------------------------------------------------------------------
def test_a_trader_views_its_own_scans_with_the_sniffed_type(applicant_client):
    response = applicant_client.get(reverse("registration:document", args=["licence"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_documents_need_a_signed_in_user_and_exist(applicant, trader_client):
    from django.test import Client

    response = Client().get(reverse("registration:document", args=["licence"]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    # the other trader's enterprise has no scans: its own URL gives 404, never someone else's file
    assert trader_client.get(reverse("registration:document", args=["licence"])).status_code == 404
    assert trader_client.get(reverse("registration:document", args=["passport"])).status_code == 404


def test_the_sms_device_speaks_django_otps_interface(applicant, sms_outbox):
    device = SmsDevice.objects.create(user=applicant, name="other", number="13800138000")
    device.generate_challenge()
    assert sms_outbox[-1]["phone"] == "13800138000"
    code = _code_in(sms_outbox[-1]["text"])
    device.generate_challenge()  # within the minute: nothing new is sent
    assert len(sms_outbox) == 1
    assert device.verify_token(code) and not device.verify_token(code)


# --- signing in ----------------------------------------------------------------------------
def test_sign_in_is_locked_after_five_failures_even_with_the_right_password(client, trader, settings):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    url = reverse("login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            url, {"username": trader.username, "password": "wrong-password-1"}, REMOTE_ADDR="198.51.100.7"
        )
    response = client.post(
        url,
        {"username": trader.username, "password": "correct-horse-battery"},
        REMOTE_ADDR="198.51.100.7",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_session_key_rotates_at_sign_in(client, trader):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    client.get(reverse("login"))
    session = client.session
    session["probe"] = "before"
    session.save()
    before = session.session_key
    response = client.post(
        reverse("login"), {"username": trader.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(trader.pk)


def test_switching_channel_does_not_skip_the_minute(
    applicant, sms_outbox, django_capture_on_commit_callbacks
):
    _send(applicant, "email", capture=django_capture_on_commit_callbacks)
    with pytest.raises(services.ApplicationError) as exc:
        _send(applicant, "sms", capture=django_capture_on_commit_callbacks)
    assert exc.value.code == "cooldown"
    assert sms_outbox == []
