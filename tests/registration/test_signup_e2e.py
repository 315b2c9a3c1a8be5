"""In a real browser: an enterprise signs up, reads its code from the outbox, activates its
account and sees its registration waiting for customs; the sign-up page speaks Chinese too."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from registration.models import Enterprise
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
    page.get_by_role("button", name="Continue").click()

    # check your answers, then register (the declaration beside the button)
    page.get_by_role("heading", name="Check your answers before you register").wait_for()
    assert page.get_by_test_id("check-licence_file").inner_text() == "licence.pdf"
    page.get_by_role("button", name="Confirm and register").click()

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


def test_a_sign_up_with_mistakes_shows_them_on_top_keeps_the_scans_and_is_checked_before_it_counts(
    live_server, new_page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    licence, tax = tmp_path / "licence.pdf", tmp_path / "tax.png"
    licence.write_bytes(PDF)
    tax.write_bytes(PNG)
    uscc = make_uscc()

    page = new_page("zh-CN")
    page.goto(f"{live_server.url}/registration/signup/")
    page.get_by_label("企业名称").fill("宁波港贸易有限公司")
    page.get_by_label("统一社会信用代码").fill("91310115MA1K3YJ12Z")  # a wrong check character
    page.locator("#id_address").fill("宁波市北仑区港口路8号")
    page.get_by_label("法定代表人").fill("陈一")
    page.locator("#id_contact_name").fill("周二")
    page.get_by_label("手机号码").fill("139 1234 5678")
    page.get_by_role("textbox", name="电子邮箱").fill("zhou@ningbo-harbour.example")
    page.locator("#id_roles_0").check()
    page.get_by_label("营业执照扫描件").set_input_files(str(licence))
    page.get_by_label("税务登记证扫描件").set_input_files(str(tax))
    page.locator("#id_username").fill("zhou.er")
    page.locator("#id_password1").fill("Harbour-pass-2026")
    page.locator("#id_password2").fill("Harbour-pass-2026")
    page.locator("button[data-testid=submit]").click()

    # the error summary: on top, focused, titled as an error, each message a link to its field
    summary = page.get_by_test_id("error-summary")
    summary.wait_for()
    assert page.title().startswith("错误：")
    assert page.evaluate("document.activeElement.closest('[data-testid=error-summary]') !== null")
    assert summary.get_by_role("heading", name="出现问题").is_visible()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_uscc"

    # both scans are kept: named, not asked for again
    assert "licence.pdf" in page.get_by_test_id("kept-licence_file").inner_text()
    assert "tax.png" in page.get_by_test_id("kept-tax_certificate_file").inner_text()
    page.get_by_label("统一社会信用代码").fill(uscc)
    page.locator("#id_password1").fill("Harbour-pass-2026")
    page.locator("#id_password2").fill("Harbour-pass-2026")
    page.locator("button[data-testid=submit]").click()

    # the check page shows what will be sent; changing an answer returns to the filled-in form
    page.get_by_role("heading", name="注册前请核对您填写的信息").wait_for()
    assert page.get_by_test_id("check-uscc").inner_text() == uscc
    assert page.get_by_test_id("check-licence_file").inner_text() == "licence.pdf"
    assert page.get_by_test_id("check-tax_certificate_file").inner_text() == "tax.png"
    assert "法律责任" in page.get_by_test_id("declaration-text").inner_text()
    assert not Enterprise.objects.exists()
    page.get_by_test_id("check-summary").get_by_role("link", name="修改 企业名称").click()
    assert page.get_by_label("企业名称").input_value() == "宁波港贸易有限公司"
    page.get_by_label("企业名称").fill("宁波港国际贸易有限公司")
    page.locator("#id_password1").fill("Harbour-pass-2026")
    page.locator("#id_password2").fill("Harbour-pass-2026")
    page.locator("button[data-testid=submit]").click()
    assert page.get_by_test_id("check-name").inner_text() == "宁波港国际贸易有限公司"
    page.get_by_role("button", name="确认并注册").click()
    page.get_by_role("heading", name="验证您的账号").wait_for()
    enterprise = Enterprise.objects.get()
    assert (
        enterprise.name == "宁波港国际贸易有限公司"
        and enterprise.licence_file
        and enterprise.tax_certificate_file
    )
