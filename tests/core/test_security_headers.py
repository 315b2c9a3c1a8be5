"""Response headers a browser enforces: a Content-Security-Policy that allows no inline script
or style and a Permissions-Policy on every page (the admin's included), and downloads and API
answers that no browser or proxy keeps (``Cache-Control: private, no-store``)."""

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.registration.test_review import PDF, PNG
from tests.summaries.factories import listed

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def csp_of(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']}: no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


class InlineCode(HTMLParser):
    """Collects what a strict policy would refuse in a rendered page."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._script_without_src = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.found.append("<style>")
        self._script_without_src = tag == "script" and not attrs.get("src")

    def handle_data(self, data):
        if self._script_without_src and data.strip():
            self.found.append(f"<script>{data.strip()[:40]}…")

    def handle_endtag(self, tag):
        self._script_without_src = False


def assert_strict_page(response):
    """The page carries both policies, the policy is the strict one, and the page needs no more."""
    path = response.request["PATH_INFO"]
    assert response.status_code in (200, 404), (path, response.status_code)
    csp = csp_of(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"], path
    assert csp["style-src"] == ["'self'"], path
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"], path
    assert not any("unsafe" in source for sources in csp.values() for source in sources)
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions, (path, permissions)
    if response["Content-Type"].startswith("text/html"):
        parser = InlineCode()
        parser.feed(response.content.decode())
        assert not parser.found, (path, parser.found)


# --- every page: the policies ----------------------------------------------------------------
def test_public_pages_carry_the_strict_policy(client):
    for path in ("/", "/accounts/login/", "/registration/signup/", "/admin/login/", "/no-such-page/"):
        assert_strict_page(client.get(path, HTTP_ACCEPT_LANGUAGE="en"))
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    assert "Content-Security-Policy" in switched and "Permissions-Policy" in switched


def test_trader_pages_and_the_api_carry_the_strict_policy(trader_client):
    for path in (
        "/",
        "/authorizations/list/",
        "/declarations/lists/",
        "/declarations/goods/",
        "/summaries/overview/",
        "/reminders/notifications/",
        "/cooperation/enterprise-info/",
        "/account/api-keys/",
    ):
        assert_strict_page(trader_client.get(path, HTTP_ACCEPT_LANGUAGE="en"))
    api = trader_client.get("/api/v1/authorizations/")
    assert api.status_code == 200
    assert csp_of(api)["default-src"] == ["'self'"] and "camera=()" in api["Permissions-Policy"]


def test_admin_pages_behind_the_second_factor_carry_the_strict_policy(
    reviewer_client, enterprise_factory, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    applicant = enterprise_factory(approved=False)
    applicant.licence_file.save("licence.pdf", ContentFile(PDF))
    applicant.tax_certificate_file.save("tax.png", ContentFile(PNG))
    for path in (
        "/admin/",
        reverse("admin:registration_enterprise_queue"),
        reverse("admin:registration_enterprise_review", args=[applicant.pk]),
        reverse("admin:registration_enterprise_changelist"),
        reverse("admin:registration_enterprise_change", args=[applicant.pk]),
        reverse("admin:authorization_authorization_changelist"),
    ):
        assert_strict_page(reviewer_client.get(path, HTTP_ACCEPT_LANGUAGE="en"))


def test_a_scan_the_review_page_frames_may_be_framed_by_the_portal_only(
    reviewer_client, enterprise_factory, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    applicant = enterprise_factory(approved=False)
    applicant.tax_certificate_file.save("tax.png", ContentFile(PNG))
    scan = reviewer_client.get(reverse("admin:registration_enterprise_document", args=[applicant.pk, "tax"]))
    assert scan.status_code == 200 and scan["Content-Type"] == "image/png"
    assert scan["X-Frame-Options"] == "SAMEORIGIN"
    assert csp_of(scan)["frame-ancestors"] == ["'self'"]
    assert scan["Cache-Control"] == "private, no-store"


# --- templates: nothing inline ---------------------------------------------------------------
# rendered to PDF by WeasyPrint on the server, never sent to a browser as a page
# rendered by WeasyPrint into PDF files, never served as pages
PDF_TEMPLATES = {
    "summaries/form_pdf.html",
    "cooperation/business/_pdf_style.html",
    "cooperation/business/registration_pdf.html",
    "cooperation/business/authorization_pdf.html",
}
TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.S)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)


def templates():
    dirs = [ROOT / "templates", *ROOT.glob("*/templates"), *ROOT.glob("*/*/templates")]
    for directory in dirs:
        for path in sorted(directory.rglob("*.html")):
            yield path.relative_to(directory).as_posix(), path.read_text()


def test_no_template_holds_inline_script_event_handlers_or_inline_style():
    problems = []
    names = []
    for name, text in templates():
        names.append(name)
        for attrs, body in SCRIPT.findall(text):
            if body.strip() or "src=" not in attrs:
                problems.append(f"{name}: inline <script>")
        for tag in TAG.findall(text):
            if EVENT_HANDLER.search(tag):
                problems.append(f"{name}: event handler in {tag[:60]}")
            if re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", tag, re.I):
                problems.append(f"{name}: javascript: URL in {tag[:60]}")
            if name not in PDF_TEMPLATES and re.search(r"\sstyle\s*=", tag, re.I):
                problems.append(f"{name}: style attribute in {tag[:60]}")
        if name not in PDF_TEMPLATES and re.search(r"<style\b", text, re.I):
            problems.append(f"{name}: <style> block")
    assert "base.html" in names and len(names) > 40
    assert not problems, "\n".join(problems)


def test_the_language_switch_script_is_a_static_file_of_the_portal(client):
    html = client.get("/").content.decode()
    assert re.search(r'<select id="lang-select" name="language" data-autosubmit>', html)
    src = re.search(r'<script src="([^"]+portal\.js)" defer></script>', html).group(1)
    script = (ROOT / "static" / "js" / "portal.js").read_text()
    assert src.startswith("/static/") and "data-autosubmit" in script


# --- downloads and API answers are not kept --------------------------------------------------
@pytest.fixture
def summary(enterprise_factory, trader_factory, client):
    from declarations.summaries.models import SummaryForm
    from declarations.summaries.services import summary_form_submit, summary_month_build

    exporter = enterprise_factory(roles=("owner", "ecommerce"), name="杭州云购跨境电商有限公司")
    user = trader_factory(exporter)
    listed(exporter)
    summary_month_build(enterprise=exporter, month=dt.date(2026, 10, 1))
    form = SummaryForm.objects.get()
    summary_form_submit(form=form, actor=user)
    client.force_login(user)
    return client, form


def test_pdf_csv_json_and_ceb_xml_downloads_are_private_and_not_stored(summary):
    client, form = summary
    downloads = {
        reverse("summaries:form_pdf", args=[form.pk]): "application/pdf",
        reverse("summaries:month_csv") + "?month=2026-10": "text/csv",
        reverse("summaries:month_json") + "?month=2026-10": "application/json",
        reverse("summaries:form_ceb701", args=[form.pk]): "application/xml",
    }
    for url, content_type in downloads.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith(content_type), url
        assert response["Cache-Control"] == "private, no-store", url


def test_api_answers_are_private_and_not_stored(summary, api_client_for, enterprise):
    client, form = summary
    api = client.get("/api/v1/summaries/?month=2026-10")
    assert api.status_code == 200 and api["Content-Type"] == "application/json"
    assert api["Cache-Control"] == "private, no-store"
    with_key = api_client_for(enterprise).get("/api/v1/authorizations/")
    assert with_key.status_code == 200 and with_key["Cache-Control"] == "private, no-store"
    refused = api_client_for(enterprise).get("/api/v1/summaries/forms/999999/")
    assert refused.status_code == 404 and refused["Cache-Control"] == "private, no-store"
