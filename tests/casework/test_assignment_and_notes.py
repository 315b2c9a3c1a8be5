"""Reviewers assign a case (to themselves or a colleague) and write internal notes on it; every
assignment change is a history row; notes are staff-only and never reach a trader's page or the
API."""

import pytest

from casework.models import CaseAssignment, CaseEvent, CaseNote
from casework.services import case_assign, case_note_add
from customs_portal.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting_authorization(authorization_factory, enterprise_factory):
    owner = enterprise_factory(roles=("owner",), name="Owner 货主有限公司")
    broker = enterprise_factory(roles=("broker",), name="Broker 报关有限公司")
    return authorization_factory(owner, broker, status="under_review")


def test_assigning_a_case_records_who_moved_it_from_whom_to_whom(
    reviewer, staff_factory, waiting_authorization
):
    colleague = staff_factory("reviewer")
    case_assign(case=waiting_authorization, assignee=reviewer, actor=reviewer)
    case_assign(case=waiting_authorization, assignee=colleague, actor=reviewer)
    assignment = CaseAssignment.objects.get(object_id=waiting_authorization.pk)
    assert assignment.assignee == colleague
    events = list(CaseEvent.objects.filter(object_id=waiting_authorization.pk).order_by("id"))
    assert [(e.from_assignee, e.to_assignee, e.actor) for e in events] == [
        (None, reviewer, reviewer),
        (reviewer, colleague, reviewer),
    ]


def test_the_same_assignment_twice_is_one_change(reviewer, waiting_authorization):
    case_assign(case=waiting_authorization, assignee=reviewer, actor=reviewer)
    case_assign(case=waiting_authorization, assignee=reviewer, actor=reviewer)
    assert CaseEvent.objects.count() == 1


def test_unassigning_leaves_the_case_to_nobody(reviewer, waiting_authorization):
    case_assign(case=waiting_authorization, assignee=reviewer, actor=reviewer)
    case_assign(case=waiting_authorization, assignee=None, actor=reviewer)
    assert CaseAssignment.objects.get().assignee is None
    assert CaseEvent.objects.last().to_assignee is None


def test_a_case_cannot_go_to_someone_whose_role_does_not_work_it(
    reviewer, staff_factory, waiting_authorization
):
    risk_officer = staff_factory("risk_officer")
    with pytest.raises(ApplicationError) as error:
        case_assign(case=waiting_authorization, assignee=risk_officer, actor=reviewer)
    assert error.value.code == "casework_assignee"
    assert not CaseAssignment.objects.filter(assignee__isnull=False).exists()
    assert not CaseEvent.objects.exists()


def test_staff_without_the_role_cannot_assign(staff_without_role, reviewer, waiting_authorization):
    with pytest.raises(ApplicationError):
        case_assign(case=waiting_authorization, assignee=reviewer, actor=staff_without_role)
    assert not CaseEvent.objects.exists()


def test_an_empty_note_is_refused_and_nothing_is_saved(reviewer, waiting_authorization):
    with pytest.raises(ApplicationError) as error:
        case_note_add(case=waiting_authorization, author=reviewer, text="   ")
    assert error.value.field == "text"
    assert not CaseNote.objects.exists()


def test_a_red_list_and_the_same_released_list_are_one_case(staff_factory, make_declared):
    from declarations.channels.models import RedList, ReleasedList

    officer = staff_factory("risk_officer")
    inventory = make_declared(status="under_review")
    case_note_add(case=RedList.objects.get(pk=inventory.pk), author=officer, text="开箱查验")
    from casework.selectors import case_panel

    assert [n.text for n in case_panel(case=ReleasedList._base_manager.get(pk=inventory.pk))["notes"]] == [
        "开箱查验"
    ]


def test_a_reviewer_assigns_to_self_and_notes_from_the_case_page(
    reviewer, reviewer_client, waiting_authorization
):
    page = f"/admin/authorization/authorization/{waiting_authorization.pk}/change/"
    action = f"/admin/authorization/authorization/{waiting_authorization.pk}/case/"
    assert reviewer_client.post(action, {"action": "assign_me", "next": page}).status_code == 302
    assert (
        reviewer_client.post(action, {"action": "note", "text": "核对委托书签章", "next": page}).status_code
        == 302
    )
    html = reviewer_client.get(page).content.decode()
    assert 'data-testid="case-assignee">' + reviewer.username in html
    assert "核对委托书签章" in html
    mine = reviewer_client.get("/admin/authorization/authorization/?assigned=me").content.decode()
    assert waiting_authorization.number in mine
    unassigned = reviewer_client.get("/admin/authorization/authorization/?assigned=none").content.decode()
    assert waiting_authorization.number not in unassigned


def test_a_case_action_goes_back_only_to_a_page_of_the_portal(reviewer_client, waiting_authorization):
    action = f"/admin/authorization/authorization/{waiting_authorization.pk}/case/"
    response = reviewer_client.post(action, {"action": "assign_me", "next": "https://evil.example/"})
    assert response["Location"] == f"/admin/authorization/authorization/{waiting_authorization.pk}/change/"


def test_notes_never_reach_the_traders_pages_or_the_api(
    reviewer, trader_factory, waiting_authorization, api_client_for, client
):
    case_note_add(case=waiting_authorization, author=reviewer, text="SECRET-内部备注-42")
    for enterprise in (waiting_authorization.principal, waiting_authorization.agent):
        trader = trader_factory(enterprise)
        client.force_login(trader)
        page = client.get(f"/authorizations/{waiting_authorization.pk}/")
        assert page.status_code == 200
        assert "SECRET-内部备注-42" not in page.content.decode()
        api = api_client_for(enterprise).get(f"/api/v1/authorizations/{waiting_authorization.pk}/")
        assert api.status_code == 200
        assert "SECRET-内部备注-42" not in api.content.decode()
        client.logout()
