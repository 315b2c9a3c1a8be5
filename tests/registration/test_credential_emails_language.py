"""Codes, contact-change notices and invitations reach their recipient in the recipient's
language (whatever language the request was in), greeted by name, with an absolute link under
SITE_URL, like every other e-mail of the portal; SMS likewise."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_otp.plugins.otp_email.models import EmailDevice

from registration.models import Invitation, SmsDevice

pytestmark = pytest.mark.django_db

SITE = "https://portal.example"
CJK = re.compile(r"[\u3400-\u9fff]")
ASCII_WORD = re.compile(r"[A-Za-z]{3,}")
URL = re.compile(r"https?://\S+")


@pytest.fixture(autouse=True)
def _mail_site_and_cache(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = SITE
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return run


def _named(user, language):
    user.first_name, user.last_name, user.language = "QX", "", language
    user.phone = "13912345678"
    user.save(update_fields=["first_name", "last_name", "language", "phone"])
    EmailDevice.objects.create(user=user, name="registration", email=user.email, confirmed=True)
    SmsDevice.objects.create(user=user, name="registration", number=user.phone, confirmed=True)
    return user


def _chinese(text: str, *allowed: str) -> None:
    text = URL.sub("", text)
    for word in allowed:
        text = text.replace(word, "")
    assert CJK.search(text), text
    assert not ASCII_WORD.findall(text), (ASCII_WORD.findall(text), text)


def _english(text: str) -> None:
    assert not CJK.search(text), text


def _mail_checks(message, *, name: str, path: str) -> None:
    assert message.body.splitlines()[0].count(name) == 1  # the greeting names the recipient
    assert f"{SITE}{path}" in message.body
    html = message.alternatives[0][0]
    assert f'href="{SITE}{path}"' in html


def test_a_reset_code_is_written_in_the_users_language(client, trader, mailoutbox, sms_outbox, commit):
    member = _named(trader, "zh-hans")
    for channel in ("email", "sms"):
        commit(
            client.post,
            reverse("security:password_reset"),
            {"identifier": member.username, "channel": channel},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    (message,) = mailoutbox
    assert message.to == [member.email]
    _chinese(message.subject)
    _chinese(message.body, member.username)
    _mail_checks(message, name="QX", path=reverse("security:password_reset_confirm"))
    assert sms_outbox[-1]["phone"] == member.phone
    _chinese(sms_outbox[-1]["text"])


def test_the_old_address_is_told_in_the_users_language(client, trader, mailoutbox, commit):
    member = _named(trader, "en")
    client.force_login(member)
    old = member.email
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    response = commit(
        client.post, reverse("security:contact_change", args=["email"]), {"value": "new.qx@example.com"}, **zh
    )
    code = re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)
    _english(mailoutbox[-1].body)  # the code to the new address: the user's language too
    commit(client.post, response.url, {"code": code}, **zh)
    message = mailoutbox[-1]
    assert message.to == [old]
    _english(message.subject + message.body + message.alternatives[0][0])
    assert "ne***@example.com" in message.body
    _mail_checks(message, name="QX", path=reverse("security:overview"))


def test_an_invitation_is_written_in_the_inviting_administrators_language(
    client, trader, enterprise, mailoutbox, commit
):
    admin = _named(trader, "zh-hans")
    client.force_login(admin)
    commit(
        client.post,
        reverse("registration:invite"),
        {"email": "new.op@example.com"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    (message,) = mailoutbox
    assert message.to == ["new.op@example.com"]
    invitation = Invitation.objects.get(email="new.op@example.com")
    assert invitation.invited_by == admin
    _chinese(message.subject)
    _chinese(message.body, enterprise.name, "new.op@example.com")
    assert "new.op@example.com" in message.body.splitlines()[0]
    assert re.search(re.escape(SITE) + r"/registration/invitation/[\w-]+/", message.body)
