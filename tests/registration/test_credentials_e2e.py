"""In a real browser: a forgotten password reset by an e-mail code and by an SMS code, a password
change that signs out the user's other browser, a trader turning on an authenticator and signing
in with it, and a new mobile number confirmed by the code sent to it (the old one is told)."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django_otp.oath import totp
from django_otp.plugins.otp_email.models import EmailDevice

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "Harbour-lights-2027"


@pytest.fixture
def member(settings, trader_factory, enterprise):
    """A trader whose e-mail and mobile number were confirmed by a code."""
    from registration.models import SmsDevice

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    mail.outbox = []
    user = trader_factory(enterprise, username="li.na")
    user.phone = "13912345678"
    user.save(update_fields=["phone"])
    EmailDevice.objects.create(user=user, name="registration", email=user.email, confirmed=True)
    SmsDevice.objects.create(user=user, name="registration", number=user.phone, confirmed=True)
    return user


def code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def sign_in(page, url, username="li.na", password=PASSWORD):
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def reset_password(page, url, identifier, channel, read_code):
    page.goto(f"{url}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_role("heading", name="Reset your password").wait_for()
    page.get_by_label("User name, e-mail or mobile number").fill(identifier)
    page.get_by_role("radio", name=channel).check()
    page.get_by_role("button", name="Send a code").click()
    page.get_by_role("heading", name="Choose a new password").wait_for()
    assert "If this names an account" in page.get_by_role("status").inner_text()
    page.get_by_label("Code").fill(read_code())
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the new password").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    assert "Your password is changed" in page.get_by_role("status").inner_text()


def test_a_forgotten_password_is_reset_by_an_email_code(live_server, new_page, member):
    page = new_page("en-US")
    reset_password(page, live_server.url, "li.na", "E-mail", lambda: code_in(mail.outbox[-1].body))
    assert mail.outbox[-1].to == [member.email]
    sign_in(page, live_server.url, password=NEW_PASSWORD)
    page.get_by_role("link", name="Dashboard").wait_for()


def test_a_forgotten_password_is_reset_by_an_sms_code(live_server, new_page, member, sms_outbox):
    page = new_page("en-US")
    reset_password(page, live_server.url, "13912345678", "SMS", lambda: code_in(sms_outbox[-1]["text"]))
    assert sms_outbox[-1]["phone"] == "13912345678"
    sign_in(page, live_server.url, password=NEW_PASSWORD)
    page.get_by_role("link", name="Dashboard").wait_for()


def test_a_password_change_signs_out_the_other_browser(live_server, new_page, member):
    elsewhere = new_page("en-US")
    sign_in(elsewhere, live_server.url)
    elsewhere.get_by_role("link", name="Dashboard").wait_for()
    page = new_page("en-US")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/accounts/security/")
    page.get_by_role("link", name="Change your password").click()
    page.get_by_label("Old password").fill(PASSWORD)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change the password").click()
    assert "Your other sessions were signed out" in page.get_by_role("status").inner_text()
    page.reload()
    page.get_by_role("heading", name="Sign-in and security").wait_for()  # this one stays

    elsewhere.goto(f"{live_server.url}/accounts/security/")
    elsewhere.get_by_role("heading", name="Sign in").wait_for()
    assert "/accounts/login/" in elsewhere.url


def test_a_trader_turns_on_an_authenticator_and_signs_in_with_it(live_server, new_page, member):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page = new_page("en-US")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/accounts/security/")
    page.get_by_role("link", name="Turn on a second factor").click()
    uri = page.get_by_test_id("otpauth-uri").inner_text()
    assert uri.startswith("otpauth://totp/Customs%20Portal%3Ali.na?secret=")
    device = TOTPDevice.objects.get(user=member, confirmed=False)
    assert device.config_url == uri
    page.get_by_label("Code shown by the app").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Turn on").click()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    assert codes.count() == 10
    page.get_by_test_id("continue").click()
    assert "On: you sign in with your password" in page.get_by_test_id("two-factor-status").inner_text()
    page.get_by_role("button", name="Sign out").click()

    # the password alone now leads to the code page; the next time step's code signs in (the
    # one just used cannot be used twice)
    sign_in(page, live_server.url)
    page.get_by_role("heading", name="Second factor").wait_for()
    page.goto(f"{live_server.url}/accounts/security/")
    page.get_by_role("heading", name="Sign in").wait_for()  # not signed in yet
    sign_in(page, live_server.url)
    page.get_by_label("Authentication code").fill(f"{totp(device.bin_key, drift=1):06d}")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Dashboard").wait_for()


def test_a_new_mobile_number_takes_effect_with_its_code_and_the_old_one_is_told(
    live_server, new_page, member, sms_outbox
):
    page = new_page("en-US")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/accounts/security/")
    page.get_by_role("link", name="Change the mobile phone").click()
    page.get_by_label("New mobile phone").fill("137 0000 1111")
    page.get_by_role("button", name="Send a code").click()
    page.get_by_role("heading", name="Enter the code").wait_for()
    assert sms_outbox[-1]["phone"] == "13700001111"
    member.refresh_from_db()
    assert member.phone == "13912345678"  # not before the code
    page.get_by_label("Code").fill(code_in(sms_outbox[-1]["text"]))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Sign-in and security").wait_for()
    assert "13700001111 (confirmed)" in page.get_by_test_id("user-phone").inner_text()
    assert sms_outbox[-1]["phone"] == "13912345678"
    assert "137****1111" in sms_outbox[-1]["text"]
