"""In a real browser under the strict Content-Security-Policy: the language switch still switches,
the trader's pages and the reviewers' admin (its scripts, the framed scans) still work, and the
browser reports no policy violation and no Permissions-Policy error on any of them."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from tests.registration.test_review import PDF, PNG

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# every policy violation is reported to the page (securitypolicyviolation) and to the console
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def watched(page):
    """Record console messages about either policy, and the page's own violation events."""
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text or "Permissions-Policy" in message.text
            else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)
    return console


def assert_no_violation(page, console):
    assert page.evaluate("window.__cspViolations || []") == [], page.url
    assert console == [], console


def signed_in(new_page, live_server, user, *, verified=False):
    """A browser page carrying ``user``'s session (second factor verified for staff)."""
    client = Client()
    client.force_login(user)
    if verified:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.first().persistent_id
        session.save()
    page = new_page("en-US")
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_the_language_switch_works_under_the_policy_and_nothing_is_refused(live_server, new_page):
    page = new_page("zh-CN")
    console = watched(page)
    response = page.goto(f"{live_server.url}/")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    page.get_by_role("link", name="企业注册").first.wait_for()

    # choosing a language submits the switch at once (static/js/portal.js), no button needed
    with page.expect_navigation():
        page.locator("#lang-select").select_option("en")
    page.get_by_role("link", name="Register an enterprise").first.wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url == f"{live_server.url}/"
    assert_no_violation(page, console)

    page.goto(f"{live_server.url}/accounts/login/")
    with page.expect_navigation():
        page.locator("#lang-select").select_option("zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.url == f"{live_server.url}/accounts/login/"
    page.goto(f"{live_server.url}/registration/signup/")
    page.get_by_role("heading", name="企业注册").wait_for()
    assert_no_violation(page, console)


def test_trader_pages_run_under_the_policy(live_server, new_page, trader):
    page = signed_in(new_page, live_server, trader)
    console = watched(page)
    for path in ("/", "/authorizations/list/", "/declarations/lists/", "/summaries/overview/"):
        page.goto(f"{live_server.url}{path}")
        page.get_by_test_id("enterprise-name").wait_for()
        assert_no_violation(page, console)


def test_the_admin_and_its_framed_scans_run_under_the_policy(
    live_server, new_page, reviewer, enterprise_factory, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    applicant = enterprise_factory(approved=False, name="Framed Scans Co")
    applicant.licence_file.save("licence.pdf", ContentFile(PDF))
    applicant.tax_certificate_file.save("tax.png", ContentFile(PNG))
    page = signed_in(new_page, live_server, reviewer, verified=True)
    console = watched(page)

    response = page.goto(
        f"{live_server.url}{reverse('admin:registration_enterprise_review', args=[applicant.pk])}"
    )
    assert "style-src 'self';" in response.headers["content-security-policy"]
    page.get_by_text("Framed Scans Co").first.wait_for()
    # the scan is shown, styled by the static stylesheet (no inline <style> any more)
    image = page.locator(".review-doc img")
    image.wait_for()
    page.wait_for_function("document.querySelector('.review-doc img').complete")
    assert page.evaluate("document.querySelector('.review-doc img').naturalWidth") == 1
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.review-doc img')).borderTopWidth") == "1px"
    )
    assert page.locator(".review-doc iframe").count() == 1
    assert_no_violation(page, console)

    # the admin's own scripts (static files too) run: its theme switch, its change list and form
    page.goto(f"{live_server.url}{reverse('admin:registration_enterprise_changelist')}")
    page.get_by_text("Framed Scans Co").first.wait_for()
    page.locator(".theme-toggle").first.click()
    assert page.evaluate("document.documentElement.dataset.theme") in ("light", "dark")
    page.goto(f"{live_server.url}{reverse('admin:registration_enterprise_change', args=[applicant.pk])}")
    page.locator("#content-main form").wait_for()
    assert_no_violation(page, console)
