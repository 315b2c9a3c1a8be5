"""In a real browser at a phone's width (390 px): the trader's main pages fit the screen (a wide
table scrolls inside its own box), and the header and menu leave the page's heading in view."""

import io
import os

import pytest
from django.core.management import call_command

from registration.demo import DEMO_PASSWORD
from registration.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TRADER_PAGES = [
    "/",
    "/authorizations/list/",
    "/declarations/goods/",
    "/declarations/lists/",
    "/summaries/overview/",
    "/cooperation/enterprise-info/",
    "/cooperation/clearance-errors/",
    "/registration/profile/",
    "/reminders/notifications/",
]
SHOTS = os.environ.get("PORTAL_SCREENSHOTS")  # a directory: save the pages for a person to look at


def _sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.get_by_test_id("enterprise-name").wait_for(state="attached")


def _fits(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 391)
  .filter(e => { for (let p = e.parentElement; p; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') return false; } return true; })
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 5)"""


def _heading_top(page) -> float:
    return page.locator("main h1").first.bounding_box()["y"]


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_trader_pages_fit_a_phone_and_show_their_heading_first(
    live_server, new_page, settings, tmp_path, locale
):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=io.StringIO())
    User.objects.filter(username="demo-exporter").update(language=locale[:2].replace("zh", "zh-hans"))
    page = new_page(locale)
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server.url, "demo-exporter")
    for path in TRADER_PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.locator("main h1").first.wait_for()
        if SHOTS:
            name = path.strip("/").replace("/", "-") or "dashboard"
            page.screenshot(path=f"{SHOTS}/{locale}-390-{name}.png", full_page=True)
        assert _fits(page) <= 390, f"{path} is {_fits(page)} px wide at 390 px: {page.evaluate(WIDE)}"
        assert _heading_top(page) <= 250, f"{path}: the heading starts {_heading_top(page)} px down"


def test_the_menu_folds_behind_a_button_on_a_phone_and_opens(live_server, new_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=io.StringIO())
    User.objects.filter(username="demo-exporter").update(language="en")
    page = new_page("en-US")
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server.url, "demo-exporter")
    goods = page.get_by_role("link", name="Goods", exact=True)
    assert not goods.is_visible()
    page.get_by_role("button", name="Menu").click()
    goods.click()
    page.get_by_role("heading", name="Goods").first.wait_for()
    # on a desktop the menu is open, no button
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.get_by_role("link", name="Authorizations", exact=True).is_visible()
    assert not page.get_by_role("button", name="Menu").is_visible()


def test_the_sign_up_page_fits_a_phone(live_server, new_page):
    page = new_page("zh-CN")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/registration/signup/")
    page.get_by_role("heading", name="企业注册").wait_for()
    assert _fits(page) <= 390
    assert _heading_top(page) <= 250
