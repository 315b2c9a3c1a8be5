"""The privacy notice at sign-up: shown, accepted, and the consent recorded with its version."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from registration.cooperation.business.models import PrivacyConsent, PrivacyNotice
from registration.models import User
from tests.registration.test_signup import signup_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def notice(db):
    return PrivacyNotice.objects.create(
        version="2026-11",
        text_en="We keep your registration data for customs business.",
        text_zh="我们为海关业务保存您的注册信息。",
        published_at=timezone.now(),
    )


def test_sign_up_shows_the_notice_and_records_the_consent_with_its_version(notice):
    c = Client()
    page = c.get("/registration/signup/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "我们为海关业务保存您的注册信息。" in page and "2026-11" in page
    response = c.post("/registration/signup/", signup_post(privacy_version="2026-11", privacy_consent="on"))
    assert response.status_code == 302 and not PrivacyConsent.objects.exists()  # the check page first
    check = c.get(response.url, HTTP_ACCEPT_LANGUAGE="en")
    assert "Version 2026-11, read and accepted" in check.content.decode()
    assert c.post(response.url, {"state": check.context["state"]}).status_code == 302
    consent = PrivacyConsent.objects.get()
    assert consent.notice == notice and consent.user == User.objects.get(username=signup_post()["username"])


def test_sign_up_without_consent_is_refused_and_saves_nothing(notice):
    response = Client().post(
        "/registration/signup/", signup_post(privacy_version="2026-11"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (
        response.status_code == 200 and "Accept the privacy notice to sign up." in response.content.decode()
    )
    assert not User.objects.exists() and not PrivacyConsent.objects.exists()


def test_consent_to_a_version_replaced_meanwhile_is_refused(notice):
    c = Client()
    response = c.post(
        "/registration/signup/",
        signup_post(privacy_version="2026-11", privacy_consent="on"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    state = c.get(response.url).context["state"]
    # a new version is published while the person reads the check page
    PrivacyNotice.objects.create(version="2026-12", text_en="new", text_zh="新", published_at=timezone.now())
    response = c.post(response.url, {"state": state}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "The privacy notice changed while you were signing up" in response.content.decode()
    assert not User.objects.exists() and not PrivacyConsent.objects.exists()


def test_the_notice_in_force_is_public_in_the_readers_language(notice):
    html = Client().get("/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "We keep your registration data for customs business." in html and "Version 2026-11" in html
