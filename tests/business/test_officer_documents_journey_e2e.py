"""In a real browser: a trader finds its coordinating officer, asks them a question, downloads the
registration confirmation, and a stranger checks its code on the public page in Chinese."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def test_officer_question_certificate_and_public_check(
    live_server, new_page, enterprise, trader_factory, officer
):
    from django.utils import timezone

    from registration.cooperation.business.models import IssuedDocument
    from registration.cooperation.business.services import officer_assign
    from registration.cooperation.models import Question

    enterprise.approved_at = timezone.now()
    enterprise.save(update_fields=["approved_at"])
    trader_factory(enterprise, username="li.trader", password=PASSWORD)
    officer_assign(enterprise=enterprise, officer=officer)
    base = live_server.url

    page = new_page("en-US")
    page.goto(f"{base}/accounts/login/?next=/cooperation/enterprise-info/")
    page.get_by_label("Username").fill("li.trader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Enterprise information").wait_for()
    assert page.get_by_test_id("officer-name").inner_text() == "Zhou Min 周敏"

    page.get_by_role("link", name="Ask Zhou Min 周敏 a question").click()
    assert page.get_by_label("Address it to my coordinating officer, Zhou Min 周敏").is_checked()
    page.get_by_label("Category").select_option(label="Credit rating and annual report")
    page.get_by_label("Subject").fill("Advanced certification")
    page.get_by_label("Your question").fill("Which reports do we attach?")
    page.get_by_role("button", name="Send the question").click()
    assert page.get_by_test_id("addressed-to").inner_text() == "Addressed to Zhou Min 周敏"
    assert Question.objects.get(enterprise=enterprise).addressed_to == officer

    page.goto(f"{base}/cooperation/enterprise-info/")
    page.get_by_role("link", name="Certificates and validity").click()
    with page.expect_download() as info:
        page.get_by_test_id("registration-pdf").click()
    download = info.value
    assert download.suggested_filename == f"registration-{enterprise.customs_code}.pdf"
    with open(download.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"
    code = IssuedDocument.objects.get(enterprise=enterprise).code

    # a stranger, not signed in, reading Chinese
    public = new_page("zh-CN")
    public.goto(f"{base}/verify/")
    public.get_by_label("验证码").fill(code.lower())
    public.get_by_role("button", name="查验").click()
    assert public.get_by_test_id("verified-kind").inner_text() == "注册登记确认书"
    assert public.get_by_test_id("verified-status").inner_text() == "有效"
    assert enterprise.name not in public.content()
