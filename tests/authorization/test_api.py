"""GET /api/v1/authorizations/ and /api/v1/authorizations/{id}/: read-only, scoped to the caller."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from authorization import services

pytestmark = pytest.mark.django_db

D = dt.date
LIST = "/api/v1/authorizations/"


def detail(auth):
    return f"/api/v1/authorizations/{auth.pk}/"


@pytest.fixture
def stranger(enterprise_factory):
    return enterprise_factory(roles=("owner", "broker"), name="Stranger Co")


@pytest.fixture
def pair(owner, broker, stranger, authorization_factory, reviewer, pdf_upload, owner_user, monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: D(2026, 6, 1))
    auth = services.authorization_create(
        enterprise=owner, as_party="principal", counterparty=broker, scope="export",
        valid_from=D(2026, 7, 1), valid_to=D(2027, 6, 30), power_of_attorney=pdf_upload(), actor=owner_user,
    )  # fmt: skip
    auth = services.authorization_confirm(authorization=auth, enterprise=broker)
    auth = services.authorization_approve(authorization=auth, actor=reviewer)
    theirs = authorization_factory(stranger, broker, status="approved")
    return auth, theirs


def test_list_by_api_key_shows_the_callers_authorizations_only(pair, owner, api_client_for):
    mine, theirs = pair
    response = api_client_for(owner).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == mine.pk and row["number"] == mine.number
    assert row["status"] == "approved" and row["scope"] == "export"
    assert row["valid_from"] == "2026-07-01" and row["valid_to"] == "2027-06-30"
    assert row["principal_uscc"] == owner.uscc and row["has_pending_change"] is False
    assert "history" not in row


def test_the_agent_sees_both_of_its_principals(pair, broker, api_client_for):
    mine, theirs = pair
    ids = {r["id"] for r in api_client_for(broker).get(LIST).json()["results"]}
    assert ids == {mine.pk, theirs.pk}


def test_detail_carries_the_history_both_parties_read(pair, owner, broker, api_client_for):
    mine, _ = pair
    bodies = [api_client_for(e).get(detail(mine)).json() for e in (owner, broker)]
    assert bodies[0]["history"] == bodies[1]["history"]
    assert [h["event"] for h in bodies[0]["history"]] == ["created", "submit", "confirm", "approve"]
    assert bodies[0]["history"][-1]["to_status"] == "approved"


def test_another_enterprises_authorization_is_not_found(pair, owner, api_client_for):
    _, theirs = pair
    assert api_client_for(owner).get(detail(theirs)).status_code == 404


def test_session_of_a_signed_in_trader_works_too(pair, owner_user):
    mine, theirs = pair
    c = APIClient()
    c.force_login(owner_user)
    assert c.get(detail(mine)).status_code == 200
    assert c.get(detail(theirs)).status_code == 404


def test_anonymous_and_bad_keys_get_401(pair):
    mine, _ = pair
    c = APIClient()
    assert c.get(LIST).status_code == 401
    assert c.get(detail(mine)).status_code == 401
    c.credentials(HTTP_AUTHORIZATION="Api-Key not.a-key")
    assert c.get(LIST).status_code == 401


def test_staff_without_an_enterprise_is_refused(pair, reviewer):
    c = APIClient()
    c.force_login(reviewer)
    assert c.get(LIST).status_code == 403


def test_an_enterprise_customs_has_not_approved_is_refused(enterprise_factory, api_client_for):
    pending = enterprise_factory(roles=("owner",), approved=False)
    assert api_client_for(pending).get(LIST).status_code == 403


def test_the_api_is_read_only(pair, owner, api_client_for):
    mine, _ = pair
    c = api_client_for(owner)
    assert c.post(LIST, {"scope": "import"}, format="json").status_code == 405
    assert c.patch(detail(mine), {"status": "revoked"}, format="json").status_code == 405
    assert c.delete(detail(mine)).status_code == 405
    mine.refresh_from_db(fields=["scope"])
    assert mine.scope == "export"


def test_filters(pair, broker, owner, stranger, api_client_for):
    mine, theirs = pair
    c = api_client_for(broker)

    def ids(**params):
        response = c.get(LIST, params)
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()["results"]}

    assert ids(counterparty=owner.pk) == {mine.pk}
    assert ids(q=stranger.name) == {theirs.pk}
    assert ids(status="revoked") == set()


@pytest.mark.parametrize(
    "params",
    [{"status": "nonsense"}, {"expiring_within": "soon"}, {"expiring_within": "-1"}, {"counterparty": "x"}],
)
def test_a_malformed_filter_is_a_400_that_says_which(pair, owner, api_client_for, params):
    response = api_client_for(owner).get(LIST, params)
    assert response.status_code == 400
    assert set(params) <= set(response.json())
