"""In a real browser: the footer's hotline, a help article linked from the page it explains and
found by search in Chinese, the privacy notice at sign-up, and the administrator's data archive."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def test_help_privacy_and_the_data_archive(
    live_server, new_page, enterprise, trader_factory, settings, tmp_path
):
    from django.utils import timezone

    from registration.cooperation.business.models import HelpArticle, PrivacyNotice

    settings.MEDIA_ROOT = tmp_path / "media"
    HelpArticle.objects.create(
        slug="contest", title_en="Contesting a clearance error", title_zh="如何申请通关差错纠错",
        body_en="Choose Contest in the log.", body_zh="在差错记录中选择申请纠错。",
        pages="cooperation:clearance_errors", published=True,
    )  # fmt: skip
    PrivacyNotice.objects.create(
        version="2026-11", text_en="We keep data.", text_zh="我们保存数据。", published_at=timezone.now()
    )
    trader_factory(enterprise, username="li.admin", password=PASSWORD)
    base = live_server.url

    visitor = new_page("zh-CN")
    visitor.goto(f"{base}/registration/signup/")
    assert "客服热线：12360" in visitor.get_by_test_id("service").inner_text()
    visitor.get_by_test_id("privacy-notice").locator("summary").click()
    assert visitor.get_by_text("我们保存数据。").is_visible()
    assert visitor.locator("#id_privacy_consent").is_visible()
    assert (
        "我已阅读并同意隐私声明（版本 2026-11）。"
        in visitor.locator("label[for=id_privacy_consent]").inner_text()
    )
    visitor.get_by_role("link", name="帮助中心").click()
    visitor.get_by_label("搜索帮助中心").fill("纠错")
    visitor.get_by_role("button", name="搜索").click()
    visitor.get_by_role("link", name="如何申请通关差错纠错").click()
    assert visitor.get_by_test_id("help-body").inner_text() == "在差错记录中选择申请纠错。"

    page = new_page("en-US")
    page.goto(f"{base}/accounts/login/?next=/cooperation/clearance-errors/")
    page.get_by_label("Username").fill("li.admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("page-help").get_by_role("link", name="Contesting a clearance error").click()
    assert page.get_by_test_id("help-body").inner_text() == "Choose Contest in the log."

    page.goto(f"{base}/cooperation/members/")
    page.get_by_role("link", name="Download all the enterprise's data").click()
    page.get_by_role("button", name="Prepare a new archive").click()
    page.get_by_test_id("export-status").filter(has_text="Ready to download").wait_for()
    assert page.get_by_test_id("export-progress").inner_text() == "100%"
    with page.expect_download() as info:
        page.get_by_test_id("export-download").click()
    assert info.value.suggested_filename.endswith(".zip")
