"""The base layout: both languages, chosen from the browser or the switcher on every page."""

import pytest


@pytest.mark.django_db
def test_browser_language_chooses_simplified_chinese(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "企业海关门户" in html and "企业注册" in html


@pytest.mark.django_db
def test_browser_language_chooses_english(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="en">' in html
    assert "Enterprise customs portal" in html


@pytest.mark.django_db
def test_switcher_changes_language_and_returns_to_the_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 302 and response["Location"] == "/"
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Enterprise customs portal" in html
    assert 'name="language"' in html  # the switcher is on the page


@pytest.mark.django_db
def test_trader_dashboard_shows_enterprise_name_in_header(trader_client, enterprise):
    html = trader_client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'data-testid="enterprise-name">{enterprise.name}<' in html
    assert enterprise.customs_code in html


@pytest.mark.django_db
def test_unapproved_enterprise_is_confined_to_its_registration(client, enterprise_factory, trader_factory):
    pending = enterprise_factory(approved=False)
    client.force_login(trader_factory(pending))
    # (its notification centre stays open: tests/notifications/test_pending_enterprise.py)
    for path in ("/", "/declarations/lists/", "/reminders/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/registration/")
    api = client.get("/api/v1/schema/")
    assert api.status_code == 403


@pytest.mark.django_db
def test_healthz_answers_ok(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("section", "page"),
    [
        ("/account/", "/account/api-keys/"),
        ("/cooperation/", "/cooperation/enterprise-info/"),
        ("/authorizations/", "/authorizations/list/"),
        ("/declarations/", "/declarations/lists/"),
        ("/summaries/", "/summaries/overview/"),
        ("/reminders/", "/reminders/notifications/"),
    ],
)
def test_a_sections_bare_address_leads_to_its_first_page(trader_client, section, page):
    response = trader_client.get(section)
    assert response.status_code == 302 and response["Location"] == page
    assert trader_client.get(page).status_code == 200
