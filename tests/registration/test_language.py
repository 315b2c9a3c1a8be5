"""Every user has a language: set at sign-up from the page's language, changed in the profile,
and the portal switches to it when they sign in."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from registration.models import User

from .test_signup import sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


def _page_language(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(("page_language", "stored"), [("en", "en"), ("zh-hans", "zh-hans")])
def test_sign_up_keeps_the_language_the_page_was_read_in(client, page_language, stored):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = page_language
    response = sign_up(client)
    assert response.status_code == 302
    assert User.objects.get(username="li.si").language == stored


def test_the_profile_changes_the_language_and_the_portal_follows_at_once(trader_client, trader):
    trader.language = "zh-hans"
    trader.save(update_fields=["language"])
    page = trader_client.get(reverse("registration:profile"))
    assert 'name="language"' in page.content.decode() and _page_language(page) == "zh-hans"
    response = trader_client.post(
        reverse("registration:language"), {"language": "en", "next": reverse("registration:profile")}
    )
    assert response.status_code == 302 and response.url == reverse("registration:profile")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    trader.refresh_from_db()
    assert trader.language == "en"
    page = trader_client.get(reverse("registration:profile"))
    assert _page_language(page) == "en" and "Your language is saved." in page.content.decode()


def test_an_unknown_language_or_a_foreign_next_address_is_not_taken(trader_client, trader):
    response = trader_client.post(
        reverse("registration:language"), {"language": "fr", "next": "https://evil.example/"}
    )
    assert response.url == reverse("registration:profile")
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    trader.refresh_from_db()
    assert trader.language == "en"  # unchanged
    assert trader_client.get(reverse("registration:language")).status_code == 405


def test_signing_in_switches_the_portal_to_the_users_language(client, trader):
    trader.language = "en"
    trader.save(update_fields=["language"])
    assert _page_language(client.get(reverse("login"))) == "zh-hans"  # the portal's default
    response = client.post(
        reverse("login"), {"username": trader.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert _page_language(client.get(reverse("notifications:notifications"))) == "en"
