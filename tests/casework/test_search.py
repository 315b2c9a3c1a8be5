"""One search over the queues and lists, grouped by kind, each hit linked to its admin page, and
only the kinds the staff member's roles let them open."""

import pytest

from casework.search import search

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(authorization_factory, enterprise_factory, make_declared):
    owner = enterprise_factory(roles=("owner",), name="华东跨境贸易有限公司")
    broker = enterprise_factory(roles=("broker",), name="海港报关有限公司")
    authorization = authorization_factory(owner, broker, status="under_review")
    inventory = make_declared(status="under_review")
    return {"owner": owner, "broker": broker, "authorization": authorization, "list": inventory}


def _kinds(groups):
    return {g["kind"]: g for g in groups}


def test_a_uscc_finds_the_enterprise_and_its_authorizations(reviewer, world):
    found = _kinds(search(reviewer, world["owner"].uscc))
    assert [url for _t, url in found["enterprises"]["hits"]] == [
        f"/admin/registration/enterprise/{world['owner'].pk}/review/"
    ]
    assert [url for _t, url in found["authorizations"]["hits"]] == [
        f"/admin/authorization/authorization/{world['authorization'].pk}/change/"
    ]


def test_a_customs_code_and_part_of_a_name_find_the_enterprise(reviewer, world):
    assert "enterprises" in _kinds(search(reviewer, world["broker"].customs_code))
    hits = _kinds(search(reviewer, "跨境贸易"))["enterprises"]["hits"]
    assert [text.split(" · ")[0] for text, _url in hits] == ["华东跨境贸易有限公司"]


def test_an_authorization_by_number_or_id(reviewer, world):
    authorization = world["authorization"]
    assert "authorizations" in _kinds(search(reviewer, authorization.number))
    assert "authorizations" in _kinds(search(reviewer, str(authorization.pk)))


@pytest.mark.parametrize("field", ["invt_no", "order_no", "logistics_no"])
def test_a_risk_officer_finds_a_list_by_its_numbers(staff_factory, world, field):
    officer = staff_factory("risk_officer")
    inventory = world["list"]
    hits = _kinds(search(officer, getattr(inventory, field)))["lists"]["hits"]
    assert [url for _t, url in hits] == [f"/admin/channels/redlist/{inventory.pk}/change/"]


def test_a_reviewer_does_not_find_lists_a_risk_officer_works(reviewer, world):
    assert "lists" not in _kinds(search(reviewer, world["list"].invt_no))


def test_staff_without_a_role_finds_nothing(staff_without_role, world):
    assert search(staff_without_role, world["owner"].uscc) == []


def test_a_one_character_term_searches_nothing(reviewer, world):
    assert search(reviewer, "华") == []


def test_the_search_page_groups_the_hits(reviewer_client, world):
    html = reviewer_client.get("/admin/search/", {"q": world["owner"].uscc}).content.decode()
    assert 'data-testid="hits-enterprises"' in html
    assert 'data-testid="hits-authorizations"' in html
    nothing = reviewer_client.get("/admin/search/", {"q": "NO-SUCH-NUMBER"}).content.decode()
    assert 'data-testid="no-hits"' in nothing


@pytest.mark.parametrize("term", ["\x00abc", "x" * 5000, "%_'\";--", "  "])
def test_odd_input_is_searched_or_ignored_never_an_error(reviewer_client, world, term):
    response = reviewer_client.get("/admin/search/", {"q": term})
    assert response.status_code == 200


def test_an_enterprises_code_finds_its_questions_and_annual_reports(reviewer, world):
    from registration.cooperation.models import AnnualReport, Question

    question = Question.objects.create(enterprise=world["owner"], subject="退货流程", category="other")
    report = AnnualReport(enterprise=world["owner"], year=2025, staff_count=10)
    report.__dict__["status"] = "submitted"
    report.save()
    found = _kinds(search(reviewer, world["owner"].customs_code))
    assert [url for _t, url in found["questions"]["hits"]] == [
        f"/admin/cooperation/question/{question.pk}/change/"
    ]
    assert [url for _t, url in found["annual_reports"]["hits"]] == [
        f"/admin/cooperation/annualreport/{report.pk}/change/"
    ]
