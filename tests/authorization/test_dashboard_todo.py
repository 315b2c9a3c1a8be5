"""The dashboard's "waiting for you" names the authorizations this enterprise has to confirm."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def test_a_request_to_confirm_is_on_the_dashboard_with_a_link(
    owner, broker, owner_user, broker_user, authorization_factory
):
    auth = authorization_factory(owner, broker, status="awaiting_confirmation", initiated_by="principal")
    html = client_for(broker_user).get("/").content.decode()
    confirm = reverse("authorization:confirm", args=[auth.pk])
    assert f'<a href="{confirm}">Authorizations waiting for your confirmation</a>: 1' in html
    # the party that sent it waits for the other one: nothing to do on its own dashboard
    assert "waiting for your confirmation" not in client_for(owner_user).get("/").content.decode()


def test_several_requests_link_to_the_filtered_list(owner, broker, broker_user, authorization_factory):
    for _ in range(3):
        authorization_factory(owner, broker, status="awaiting_confirmation", initiated_by="principal")
    authorization_factory(owner, broker, status="approved")
    html = client_for(broker_user).get("/").content.decode()
    listed = reverse("authorization:list") + "?status=awaiting_confirmation"
    assert f'<a href="{listed}">Authorizations waiting for your confirmation</a>: 3' in html
    page = client_for(broker_user).get(listed)
    assert page.status_code == 200 and len(page.context["page_obj"].object_list) == 3
