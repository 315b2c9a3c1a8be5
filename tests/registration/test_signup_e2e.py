"""In a real browser: an enterprise signs up, reads its code from the outbox, activates its
account and sees its registration waiting for customs; the sign-up page speaks Chinese too."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from tests.conftest import make_uscc
from tests.registration.test_signup import PDF, PNG

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_enterprise_signs_up_verifies_its_account_and_sees_its_status(
    live_server, new_page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    mail.outbox = []
    licence, tax = tmp_path / "licence.pdf", tmp_path / "tax.png"
    licence.write_bytes(PDF)
    tax.write_bytes(PNG)
    uscc = make_uscc()

    # the sign-up page in Chinese (the default language) ...
    zh = new_page("zh-CN")
    zh.goto(f"{live_server.url}/registration/signup/")
    zh.get_by_role("heading", name="企业注册").wait_for()
    assert zh.get_by_label("统一社会信用代码").is_visible()

    # ... and the whole journey in English
    page = new_page("en-US")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Register an enterprise").first.click()
    page.get_by_role("heading", name="Register an enterprise").wait_for()
    page.get_by_label("Company name").fill("Ningbo Harbour Trading Co., Ltd. 宁波港贸易有限公司")
    # lower case with spaces is accepted and normalised
    page.get_by_label("Unified social credit code").fill(f"{uscc[:9].lower()} {uscc[9:].lower()}")
    page.get_by_label("Address").fill("宁波市北仑区港口路8号")
    page.get_by_label("Legal representative").fill("陈一")
    page.get_by_label("Contact person").fill("周二")
    page.get_by_label("Mobile phone").fill("139 1234 5678")
    page.get_by_role("textbox", name="E-mail").fill("zhou@ningbo-harbour.example")
    page.get_by_label("Goods owner").check()
    page.get_by_label("Customs broker").check()
    page.get_by_label("Business licence scan").set_input_files(str(licence))
    page.get_by_label("Tax registration certificate scan").set_input_files(str(tax))
    page.get_by_label("User name").fill("zhou.er")
    page.locator("#id_password1").fill("Harbour-pass-2026")
    page.get_by_label("Password again").fill("Harbour-pass-2026")
    page.get_by_role("radio", name="E-mail").check()
    page.get_by_role("button", name="Register").click()

    # the code arrives by e-mail; a wrong one is refused inline, the right one activates
    page.get_by_role("heading", name="Verify your account").wait_for()
    assert "zh***@ningbo-harbour.example" in page.get_by_role("status").inner_text()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zhou@ningbo-harbour.example"]
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    wrong = "000000" if code != "000000" else "111111"
    page.get_by_label("Verification code").fill(wrong)
    page.get_by_role("button", name="Activate").click()
    assert "attempts left" in page.get_by_role("alert").first.inner_text()
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Activate").click()

    # the status page: waiting for customs, and nothing else of the portal is reachable yet
    page.get_by_role("heading", name="Your registration").wait_for()
    assert page.get_by_test_id("registration-status").inner_text() == "Awaiting customs review"
    assert uscc in page.content()
    page.goto(f"{live_server.url}/authorizations/")
    page.get_by_role("heading", name="Your registration").wait_for()
    assert page.url.endswith("/registration/status/")
