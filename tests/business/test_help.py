"""Help centre and customer service: articles in both languages, searchable, linked from the
pages they explain; hotline and hours in every page's footer."""

import pytest
from django.test import Client

from registration.cooperation.business.models import BusinessSettings, HelpArticle

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(db):
    return HelpArticle.objects.create(
        slug="contest-an-error",
        title_en="Contesting a clearance error",
        title_zh="如何申请通关差错纠错",
        body_en="Open the clearance error log and choose Contest.",
        body_zh="打开通关差错记录，选择申请纠错。",
        pages="cooperation:clearance_errors, business:contest_new",
        published=True,
    )


def test_anyone_searches_the_help_centre_in_either_language(article):
    HelpArticle.objects.create(
        slug="draft", title_en="Draft contest", title_zh="草稿", body_en="x", body_zh="x"
    )
    c = Client()
    en = c.get("/help/", {"q": "contest"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Contesting a clearance error" in en and "Draft contest" not in en  # unpublished stays out
    zh = c.get("/help/", {"q": "纠错"}, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "如何申请通关差错纠错" in zh
    none = c.get("/help/", {"q": "tariff"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No article matches “tariff”." in none
    page = c.get("/help/contest-an-error/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "打开通关差错记录，选择申请纠错。" in page
    assert c.get("/help/draft/").status_code == 404


def test_an_article_is_linked_from_the_pages_it_explains_only(trader_client, article):
    log = trader_client.get("/cooperation/clearance-errors/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="page-help"' in log and "/help/contest-an-error/" in log
    other = trader_client.get("/cooperation/questions/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="page-help"' not in other


def test_every_page_shows_the_hotline_and_hours_set_in_admin(trader_client):
    html = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Customer service: 12360 (Working days 9:00–17:00)" in html
    row = BusinessSettings.load()
    row.hotline, row.service_hours_zh = "021-12345678", "工作日 8:30–17:30"
    row.save()
    zh = trader_client.get("/cooperation/enterprise-info/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "021-12345678" in zh and "工作日 8:30–17:30" in zh


def test_help_articles_are_kept_in_admin_by_reviewers(reviewer_client, client, trader):
    response = reviewer_client.post(
        "/admin/business/helparticle/add/",
        {"title_en": "Annual report", "title_zh": "年报", "slug": "annual-report", "body_en": "b",
         "body_zh": "b", "pages": "cooperation:annual_report", "published": "on"},
    )  # fmt: skip
    assert response.status_code == 302 and HelpArticle.objects.filter(slug="annual-report").exists()
    client.force_login(trader)
    assert client.get("/admin/business/helparticle/").status_code == 302  # traders never reach admin
