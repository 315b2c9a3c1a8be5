"""Customs reviewers' queue in admin: ordered by due date, overdue flagged, decided through the
services; a second reviewer on a decided file is told, never overwrites."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from authorization import services
from authorization.models import Authorization, AuthorizationChange
from customs_portal import texts

pytestmark = pytest.mark.django_db

D = dt.date
QUEUE = "/admin/authorization/authorization/"
CHANGES = "/admin/authorization/authorizationchange/"


def fetch(auth):
    return Authorization.objects.get(pk=auth.pk)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def en_reviewer_client(otp_client_factory, reviewer):
    c = otp_client_factory(reviewer)
    c.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return c


@pytest.fixture
def files(owner, broker, enterprise_factory, authorization_factory):
    other = enterprise_factory(roles=("ecommerce",))
    late = authorization_factory(
        owner, broker, status="under_review", review_due_date=D(2020, 1, 3), power_of_attorney="p.pdf"
    )
    soon = authorization_factory(
        other, broker, status="under_review", review_due_date=D(2099, 1, 5), power_of_attorney="p.pdf"
    )
    sooner = authorization_factory(
        other, broker, status="under_review", review_due_date=D(2099, 1, 2), power_of_attorney="p.pdf"
    )
    done = authorization_factory(owner, broker, status="approved")
    return {"late": late, "soon": soon, "sooner": sooner, "done": done}


def test_queue_is_ordered_by_due_date_and_flags_overdue(en_reviewer_client, files):
    response = en_reviewer_client.get(QUEUE)
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert [a.pk for a in rows] == [files["late"].pk, files["sooner"].pk, files["soon"].pk]
    admin_obj = response.context["cl"].model_admin
    assert admin_obj.overdue(files["late"]) is True and admin_obj.overdue(files["soon"]) is False
    overdue = en_reviewer_client.get(QUEUE, {"queue": "overdue"}).context["cl"].result_list
    assert [a.pk for a in overdue] == [files["late"].pk]
    everything = en_reviewer_client.get(QUEUE, {"queue": "all"}).context["cl"].result_list
    assert files["done"].pk in [a.pk for a in everything]


def test_approve_with_the_list_action(en_reviewer_client, files, reviewer):
    response = en_reviewer_client.post(
        QUEUE, {"action": "approve_selected", "_selected_action": [files["late"].pk]}, follow=True
    )
    assert response.status_code == 200
    auth = fetch(files["late"])
    assert auth.status == "approved" and auth.history.get().actor == reviewer


def test_reject_asks_for_the_reason_first(en_reviewer_client, files):
    pk = files["late"].pk
    response = en_reviewer_client.post(QUEUE, {"action": "reject_selected", "_selected_action": [pk]})
    assert response.status_code == 200 and "form" in response.context
    assert fetch(files["late"]).status == "under_review"
    # an empty reason is refused, nothing changes
    response = en_reviewer_client.post(
        QUEUE, {"action": "reject_selected", "_selected_action": [pk], "apply": "1", "reason": " "}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert fetch(files["late"]).status == "under_review"
    en_reviewer_client.post(
        QUEUE, {"action": "reject_selected", "_selected_action": [pk], "apply": "1", "reason": "Forged stamp"}
    )
    auth = fetch(files["late"])
    assert auth.status == "rejected" and auth.history.get().reason == "Forged stamp"


def test_request_supplement_with_the_list_action(en_reviewer_client, files, owner_user):
    pk = files["late"].pk
    en_reviewer_client.post(
        QUEUE,
        {
            "action": "request_supplement_selected",
            "_selected_action": [pk],
            "apply": "1",
            "reason": "Licence copy",
        },
    )
    auth = fetch(files["late"])
    assert auth.status == "supplement_requested"
    assert any(
        "Licence copy" in texts.render(n.body) for n in owner_user.notifications.filter(kind="authorization")
    )


def test_decision_from_the_files_own_page(en_reviewer_client, files):
    auth = files["late"]
    page = en_reviewer_client.get(f"{QUEUE}{auth.pk}/change/")
    assert page.status_code == 200 and 'data-testid="decision-form"' in page.content.decode()
    decide = reverse("admin:authorization_authorization_decide", args=[auth.pk])
    response = en_reviewer_client.post(decide, {"decision": "reject", "reason": ""})
    assert response.status_code == 302 and fetch(auth).status == "under_review"
    assert any("reason" in m for m in messages_of(response))
    response = en_reviewer_client.post(decide, {"decision": "request_supplement", "reason": "Signed page 2"})
    assert fetch(auth).status == "supplement_requested"
    # decided: the page no longer offers a decision
    assert (
        'data-testid="decision-form"'
        not in en_reviewer_client.get(f"{QUEUE}{auth.pk}/change/").content.decode()
    )


def test_second_reviewer_on_a_decided_file_is_told_and_changes_nothing(
    files, reviewer, staff_factory, otp_client_factory, en_reviewer_client
):
    other = otp_client_factory(staff_factory("reviewer"))
    other.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    auth = files["late"]
    # both opened the file; the first approves
    assert other.get(f"{QUEUE}{auth.pk}/change/").status_code == 200
    en_reviewer_client.post(QUEUE, {"action": "approve_selected", "_selected_action": [auth.pk]})
    # the second, on the stale page, rejects
    response = other.post(
        reverse("admin:authorization_authorization_decide", args=[auth.pk]),
        {"decision": "reject", "reason": "late"},
    )
    assert any("not possible any more" in m for m in messages_of(response))
    auth = fetch(auth)
    assert auth.status == "approved"
    assert auth.history.count() == 1 and auth.history.get().actor == reviewer


def test_change_requests_are_queued_and_decided(
    en_reviewer_client, owner, broker, authorization_factory, pdf_upload
):
    auth = authorization_factory(owner, broker, status="approved", scope="export")
    change = services.authorization_request_change(
        authorization=auth,
        enterprise=owner,
        terms={"scope": "both"},
        power_of_attorney=pdf_upload("new-poa.pdf"),
        today=D(2026, 6, 1),
    )
    response = en_reviewer_client.get(CHANGES)
    assert [c.pk for c in response.context["cl"].result_list] == [change.pk]
    page = en_reviewer_client.get(f"{CHANGES}{change.pk}/change/").content.decode()
    assert "Import and export" in page  # the proposed scope, beside the current one
    poa = reverse("authorization:change_poa", args=[auth.pk, change.pk])
    assert poa in page and en_reviewer_client.get(poa).status_code == 200
    en_reviewer_client.post(
        CHANGES, {"action": "reject_selected", "_selected_action": [change.pk], "apply": "1", "reason": "No"}
    )
    assert AuthorizationChange.objects.get(pk=change.pk).status == "rejected"
    assert fetch(auth).scope == "export"


def test_other_staff_and_traders_cannot_reach_the_queue(
    staff_factory, otp_client_factory, owner_user, reviewer, files
):
    risk = otp_client_factory(staff_factory("risk_officer"))
    assert risk.get(QUEUE).status_code == 403
    response = risk.post(QUEUE, {"action": "approve_selected", "_selected_action": [files["late"].pk]})
    assert response.status_code == 403
    decide = reverse("admin:authorization_authorization_decide", args=[files["late"].pk])
    assert risk.post(decide, {"decision": "approve"}).status_code == 403
    assert fetch(files["late"]).status == "under_review"

    for user in (owner_user, reviewer):  # a trader; a reviewer without the second factor
        c = Client()
        c.force_login(user)
        response = c.get(QUEUE)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        c.post(decide, {"decision": "approve"})
        assert fetch(files["late"]).status == "under_review"
