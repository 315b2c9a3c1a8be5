"""Every page a trader, a visitor and a reviewer reach, in both languages at 1280 and 390 px:
a full-page screenshot of each, and axe-core finds nothing wrong on any.

The pages are found the way a person finds them: from the start page, following the links of
each page (same site, no sign-out, no download), on the demo data (the same the README's
``scripts/run`` shows). Pages that differ only by a record's id are seen once per kind.
"""

import re
from io import StringIO
from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command

from tests.screens import WIDTHS, assert_accessible, look_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SKIP = re.compile(
    r"/(logout|sign-?out|i18n|static|media)/|/(pdf|download|export|csv|xlsx|receipt)\b|\.(pdf|csv|xlsx|xml|json|zip)$"
    r"|/api/|/admin/(logout|jsi18n|r)/|/delete/|/history/\d+/",
)
LIMIT = 60  # kinds of page per tour: far above what a tour finds today; a runaway crawl stops


def page_kind(path: str) -> str:
    """/declarations/lists/123/ and /declarations/lists/456/ are the same kind of page."""
    return re.sub(r"/\d+(?=/|$)", "/N", re.sub(r"/[0-9a-f-]{32,36}(?=/|$)", "/U", path))


def signed_in_context(browser, live_server, user, language: str, *, verified: bool = False):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    if verified:
        from django_otp import DEVICE_ID_SESSION_KEY

        session = client.session
        session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.filter(confirmed=True).first().persistent_id
        session.save()
    context = browser.new_context(locale="zh-CN" if language == "zh-hans" else "en-US")
    context.set_default_timeout(15000)
    host = urlparse(live_server.url).hostname
    cookies = [
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value},
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": language},
    ]
    context.add_cookies([{**c, "domain": host, "path": "/"} for c in cookies])
    return context


def tour(page, live_server, start: str, name: str, *, stay_under: str = "/") -> list[str]:
    """Visit every kind of page reachable from ``start``; look at each. Returns the kinds seen."""
    seen, queue, failures = {}, [urljoin(live_server.url, start)], []
    while queue and len(seen) < LIMIT:
        url = queue.pop(0)
        path = urlparse(url).path
        kind = page_kind(path)
        if kind in seen or SKIP.search(path) or not path.startswith(stay_under):
            continue
        try:
            response = page.goto(url)
        except Exception as exc:  # a link that downloads a file is not a page
            if "Download is starting" not in str(exc):
                raise
            seen[kind] = "download"
            continue
        if (
            response is None
            or response.status >= 400
            or "text/html" not in response.headers.get("content-type", "")
        ):
            seen[kind] = response.status if response else None
            if response is not None and response.status >= 500:
                failures.append(f"{path}: HTTP {response.status}")
            continue
        seen[kind] = 200
        try:
            look_at(page, f"{name}{kind}")
        except AssertionError as exc:
            failures.append(str(exc))
        for href in page.eval_on_selector_all("a[href]:not([download])", "els => els.map(e => e.href)"):
            target = urlparse(href)
            if target.netloc == urlparse(live_server.url).netloc and not target.fragment.startswith("!"):
                queue.append(
                    f"{live_server.url}{target.path}"
                    + (f"?{target.query}" if target.query and "page" not in target.query else "")
                )
    print(f"{name}: {len(seen)} kinds of page: {sorted(seen)}")
    assert not failures, "\n\n".join(failures)
    return [kind for kind, status in seen.items() if status == 200]


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())
    from django.contrib.auth import get_user_model

    return get_user_model().objects


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "username, start, under, at_least",
    [
        ("demo-exporter", "/", "/", 25),  # every section of the portal
        ("demo-broker", "/authorizations/list/", "/authorizations/", 3),  # the agent's side
    ],
)
def test_every_trader_page_is_accessible_at_both_widths(
    browser, live_server, demo, username, start, under, at_least, language
):
    user = demo.get(username=username)
    context = signed_in_context(browser, live_server, user, language)
    try:
        page = context.new_page()
        kinds = tour(page, live_server, start, f"trader-{username}", stay_under=under)
    finally:
        context.close()
    # the tour really walked the trader's screens, not just the start page
    assert len(kinds) >= at_least, kinds


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_public_pages_are_accessible_at_both_widths(browser, live_server, demo, language):
    context = browser.new_context(locale="zh-CN" if language == "zh-hans" else "en-US")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    try:
        page = context.new_page()
        for path in ("/", "/accounts/login/", "/registration/signup/", "/accounts/password/reset/"):
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            look_at(page, f"public{path}")
    finally:
        context.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_reviewer_admin_pages_are_accessible_at_both_widths(browser, live_server, demo, language):
    user = demo.get(username="reviewer")
    context = signed_in_context(browser, live_server, user, language, verified=True)
    try:
        page = context.new_page()
        kinds = tour(page, live_server, "/admin/", "admin", stay_under="/admin/")
    finally:
        context.close()
    assert len(kinds) >= 5, kinds


def test_an_inaccessible_page_fails_the_audit(browser, live_server):
    """The audit is not a formality: an image without text and an unlabelled field fail it."""
    page = browser.new_page()
    try:
        page.set_content("<html lang='en'><title>x</title><main><img src='a.png'><input></main></html>")
        with pytest.raises(AssertionError, match="image-alt"):
            assert_accessible(page, "broken")
    finally:
        page.close()
    assert WIDTHS == (1280, 390)
