"""Every new admin page and action, asked by someone who may not: anonymous, a trader, staff
without a customs role, and a reviewer at a risk officer's queue."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(authorization_factory, enterprise_factory, make_declared, pdf_bytes):
    from django.core.files.base import ContentFile

    owner = enterprise_factory(roles=("owner",))
    broker = enterprise_factory(roles=("broker",))
    authorization = authorization_factory(owner, broker, status="under_review")
    authorization.power_of_attorney.save("poa.pdf", ContentFile(pdf_bytes))
    return {"authorization": authorization, "list": make_declared(status="under_review"), "owner": owner}


@pytest.fixture
def pdf_bytes():
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _urls(cases):
    a, inv = cases["authorization"].pk, cases["list"].pk
    return {
        "search": ("get", "/admin/search/?q=ORDER"),
        "export_csv": ("get", "/admin/authorization/authorization/export/csv/"),
        "export_xlsx": ("get", "/admin/authorization/authorization/export/xlsx/"),
        "case_action": ("post", f"/admin/authorization/authorization/{a}/case/"),
        "power_of_attorney": ("get", f"/admin/authorization/authorization/{a}/power-of-attorney/"),
        "red_list_export": ("get", "/admin/channels/redlist/export/csv/"),
        "red_list_case_action": ("post", f"/admin/channels/redlist/{inv}/case/"),
    }


def _ask(client, method, url):
    if method == "post":
        return client.post(url, {"action": "note", "text": "x"})
    return client.get(url)


def _assert_nothing_written():
    from casework.models import CaseEvent, CaseNote

    assert not CaseNote.objects.exists()
    assert not CaseEvent.objects.exists()


@pytest.mark.parametrize(
    "name", ["search", "export_csv", "export_xlsx", "case_action", "power_of_attorney", "red_list_export"]
)
def test_anonymous_is_sent_to_the_admin_sign_in(client, cases, name):
    method, url = _urls(cases)[name]
    response = _ask(client, method, url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    _assert_nothing_written()


@pytest.mark.parametrize("name", ["search", "export_csv", "case_action", "power_of_attorney"])
def test_a_trader_is_sent_to_the_admin_sign_in(client, trader_factory, cases, name):
    client.force_login(trader_factory(cases["owner"]))
    method, url = _urls(cases)[name]
    response = _ask(client, method, url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    _assert_nothing_written()


@pytest.mark.parametrize(
    "name",
    ["search", "export_csv", "export_xlsx", "case_action", "power_of_attorney", "red_list_case_action"],
)
def test_staff_without_a_customs_role_is_refused(otp_client_factory, staff_without_role, cases, name):
    method, url = _urls(cases)[name]
    response = _ask(otp_client_factory(staff_without_role), method, url)
    assert response.status_code == 403
    _assert_nothing_written()


@pytest.mark.parametrize("name", ["red_list_export", "red_list_case_action"])
def test_a_reviewer_cannot_work_the_risk_officers_queue(reviewer_client, cases, name):
    method, url = _urls(cases)[name]
    assert _ask(reviewer_client, method, url).status_code == 403
    _assert_nothing_written()


def test_staff_without_a_role_sees_no_dashboard(otp_client_factory, staff_without_role, cases):
    response = otp_client_factory(staff_without_role).get("/admin/")
    assert response.status_code == 200
    assert 'data-testid="dashboard"' not in response.content.decode()


@pytest.mark.parametrize("name", ["search", "export_csv", "export_xlsx", "power_of_attorney"])
def test_the_reviewer_may(reviewer_client, cases, name):
    method, url = _urls(cases)[name]
    assert _ask(reviewer_client, method, url).status_code == 200


def test_the_power_of_attorney_is_shown_on_the_authorizations_page(reviewer_client, cases):
    pk = cases["authorization"].pk
    html = reviewer_client.get(f"/admin/authorization/authorization/{pk}/change/").content.decode()
    assert f'<iframe src="/admin/authorization/authorization/{pk}/power-of-attorney/"' in html
    document = reviewer_client.get(f"/admin/authorization/authorization/{pk}/power-of-attorney/")
    assert document["Content-Type"] == "application/pdf"
    assert document["X-Frame-Options"] == "SAMEORIGIN"
