"""The Chinese admin reads in Chinese: the site's name, the apps, models and columns, the history
inlines, the dashboard, search, case panel and export links (issue 13: "Customs Portal",
"DECLARATIONS", "Created at", "Asked by", "OTP Token", "AuthorizationHistory object (14)")."""

import re
from html.parser import HTMLParser

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db

# words that stay as they are in Chinese text: codes, formats, product names, units
ALLOWED = {
    "USCC",
    "ID",
    "CSV",
    "XLSX",
    "TOTP",
    "API",
    "PDF",
    "JPEG",
    "PNG",
    "JSON",
    "XML",
    "CEB",
    "REST",
    "OTP",
    "invtNo",
    "Cookie",
}


class _Text(HTMLParser):
    """The text a person reads on the page, and the labels of its controls."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "option", "textarea"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.parts.append(value)
            if name == "value" and tag == "input" and dict(attrs).get("type") in ("submit", "button"):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "option", "textarea"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def english_words(html: str, *, data: set[str]) -> list[str]:
    """Latin-script words on the page that are not data (names, numbers, codes the test made)."""
    parser = _Text()
    parser.feed(html)
    found = []
    for part in parser.parts:
        if any(token in part for token in data):
            continue
        for word in re.findall(r"[A-Za-z][A-Za-z_]{2,}", part):
            if word not in ALLOWED:
                found.append(f"{word} (in {part[:60]!r})")
    return found


@pytest.fixture
def zh_reviewer(staff_factory, otp_client_factory):
    user = staff_factory("reviewer", language="zh-hans")
    client = otp_client_factory(user)
    client.cookies["django_language"] = "zh-hans"
    return user, client


def test_every_derived_label_has_a_chinese_translation():
    from casework import label_catalogue
    from casework.labels import DERIVED

    assert DERIVED, "the derived labels were not collected at start-up"
    missing_from_catalogue = sorted(DERIVED - set(label_catalogue.LABELS))
    assert not missing_from_catalogue, f"run manage.py casework_labels: {missing_from_catalogue}"
    with translation.override("zh-hans"):
        untranslated = [label for label in DERIVED if translation.gettext(label) == label]
    assert not untranslated, untranslated


def test_the_admin_index_names_site_and_apps_in_chinese(zh_reviewer):
    _user, client = zh_reviewer
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Customs Portal" not in html
    assert "海关业务门户" in html
    for english in ("DECLARATIONS", "Declarations", "Registration", "Django_Otp", "Otp_Totp"):
        assert english not in html
    assert english_words(html, data={"reviewer"}) == []


def test_the_queues_and_case_pages_read_in_chinese(
    zh_reviewer, pending_enterprise, authorization_factory, enterprise_factory
):
    from authorization.models import AuthorizationHistory
    from casework.services import case_assign, case_note_add
    from registration.cooperation.models import Question

    user, client = zh_reviewer
    owner, broker = enterprise_factory(name="货主甲有限公司"), enterprise_factory(name="报关乙有限公司")
    authorization = authorization_factory(owner, broker, status="under_review")
    AuthorizationHistory.objects.create(
        authorization=authorization, from_status="draft", to_status="under_review", actor=user
    )
    case_assign(case=authorization, assignee=user, actor=user)
    case_note_add(case=authorization, author=user, text="内部：核对委托书签章")
    question = Question.objects.create(enterprise=owner, subject="出口退税问题", category="other")
    from declarations.models import Goods, GoodsHistory

    goods = Goods.objects.create(
        enterprise=owner, item_no="SKU001", name="蓝牙音箱", gcode="8518220000", unit="007", unit1="007"
    )
    GoodsHistory.objects.create(goods=goods, from_status="", to_status="pending", actor=user)
    data = {user.username, owner.name, broker.name, pending_enterprise.name, authorization.number, "reviewer"}
    data |= {e.contact_name for e in (owner, broker, pending_enterprise)} | {"SKU001"}
    data |= {e.contact_email for e in (owner, broker, pending_enterprise)}
    pages = [
        "/admin/",
        "/admin/authorization/authorization/",
        f"/admin/authorization/authorization/{authorization.pk}/change/",
        "/admin/registration/enterprise/?status__exact=pending_review",
        f"/admin/registration/enterprise/{pending_enterprise.pk}/review/",
        "/admin/cooperation/question/",
        f"/admin/cooperation/question/{question.pk}/change/",
        "/admin/summaries/summaryform/",
        "/admin/declarations/goods/",
        f"/admin/declarations/goods/{goods.pk}/change/",
        f"/admin/search/?q={owner.uscc}",
    ]
    for page in pages:
        response = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, page
        html = response.content.decode()
        assert "object (" not in html, page
        words = english_words(html, data=data)
        assert words == [], page
    detail = client.get(f"/admin/authorization/authorization/{authorization.pk}/change/").content.decode()
    assert "草稿 → 海关审核中" in detail  # the history row by its statuses' names
    assert "AuthorizationHistory" not in detail


def test_every_admin_list_reads_in_chinese(db, otp_client_factory):
    """Every screen registered in the admin (the apps of today and those added later), opened
    empty by a superuser: its title, columns, filters and links carry no English label."""
    from django.contrib import admin
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from customs_portal.permissions import STAFF_ROLES
    from registration.models import User

    # the staff roles' group names and a device's name are data (as ops typed them)
    root = User.objects.create_superuser(
        username="root", password="correct-horse-battery", email="r@x.example"
    )
    TOTPDevice.objects.create(user=root, name="default", confirmed=True)
    client = otp_client_factory(root)
    client.cookies["django_language"] = "zh-hans"
    offenders = {}
    for model in admin.site._registry:
        opts = model._meta
        url = f"/admin/{opts.app_label}/{opts.model_name}/"
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, url
        words = english_words(
            response.content.decode(),
            data={"root", "r@x.example", "default", "<unknown>", *STAFF_ROLES.values()},
        )
        if words:
            offenders[url] = words
    assert offenders == {}


def test_the_admin_sign_in_reads_in_chinese(client):
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "OTP Token" not in html
    assert english_words(html, data=set()) == []


def test_the_red_channel_queue_and_a_list_read_in_chinese(staff_factory, otp_client_factory, make_declared):
    officer = staff_factory("risk_officer", language="zh-hans")
    client = otp_client_factory(officer)
    client.cookies["django_language"] = "zh-hans"
    inventory = make_declared(status="under_review")
    data = {
        officer.username,
        inventory.ebc_name,
        inventory.invt_no,
        inventory.order_no,
        inventory.logistics_no,
    }
    data |= {inventory.cop_no, "SKU-1", "BT-5", "test"}
    for page in ("/admin/channels/redlist/", f"/admin/channels/redlist/{inventory.pk}/change/"):
        html = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert english_words(html, data=data) == [], page
