"""An enterprise administrator's API key pages: list, create (shown once), revoke; own keys only."""

import pytest
from django.urls import reverse

from registration.api_keys import api_key_create, api_key_revoke
from registration.models import EnterpriseAPIKey

pytestmark = pytest.mark.django_db
KEYS = reverse("account:api_keys")


def revoke_url(api_key):
    return reverse("account:api_key_revoke", args=[api_key.prefix])


def test_administrator_creates_a_key_and_sees_it_once(trader_client, enterprise):
    response = trader_client.post(KEYS, {"name": "order system"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = response.context["key"]
    assert key in response.content.decode()
    stored = EnterpriseAPIKey.objects.get_from_key(key)
    assert stored.enterprise == enterprise and stored.created_by == response.wsgi_request.user
    # the list shows the key's name and prefix, never the key itself
    listing = trader_client.get(KEYS).content.decode()
    assert "order system" in listing and stored.prefix in listing and key not in listing


def test_the_new_key_authenticates_the_api_for_its_enterprise(trader_client, enterprise):
    from rest_framework.test import APIClient

    key = trader_client.post(KEYS, {"name": "erp"}).context["key"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    # any read-only API endpoint scoped to the enterprise will do
    assert api.get("/api/v1/authorizations/").status_code == 200


def test_a_key_needs_a_name(trader_client):
    response = trader_client.post(KEYS, {"name": "  "})
    assert response.status_code == 400
    assert not EnterpriseAPIKey.objects.exists()


def test_an_active_name_cannot_be_used_twice(trader_client):
    trader_client.post(KEYS, {"name": "erp"})
    assert trader_client.post(KEYS, {"name": "erp"}).status_code == 400
    assert EnterpriseAPIKey.objects.count() == 1


def test_administrator_revokes_a_key(trader_client, enterprise):
    api_key, key = api_key_create(enterprise=enterprise, name="old")
    response = trader_client.post(revoke_url(api_key))
    assert response.status_code == 302 and response["Location"] == KEYS
    assert EnterpriseAPIKey.objects.get(pk=api_key.pk).revoked
    assert not EnterpriseAPIKey.objects.is_valid(key)


def test_enterprise_sees_only_its_own_keys(trader_client, enterprise, other_enterprise):
    api_key_create(enterprise=enterprise, name="mine")
    theirs, _ = api_key_create(enterprise=other_enterprise, name="theirs-secret-name")
    page = trader_client.get(KEYS).content.decode()
    assert "mine" in page and "theirs-secret-name" not in page and theirs.prefix not in page


def test_another_enterprises_key_cannot_be_revoked(trader_client, other_enterprise):
    theirs, _ = api_key_create(enterprise=other_enterprise, name="theirs")
    assert trader_client.post(revoke_url(theirs)).status_code == 404
    assert not EnterpriseAPIKey.objects.get(pk=theirs.pk).revoked


def test_operators_cannot_manage_keys(client, trader_factory, enterprise):
    api_key, _ = api_key_create(enterprise=enterprise, name="erp")
    client.force_login(trader_factory(enterprise, admin=False))
    assert client.get(KEYS).status_code == 403
    assert client.post(KEYS, {"name": "x"}).status_code == 403
    assert client.post(revoke_url(api_key)).status_code == 403
    assert not EnterpriseAPIKey.objects.get(pk=api_key.pk).revoked


def test_anonymous_is_sent_to_sign_in(client, enterprise):
    api_key, _ = api_key_create(enterprise=enterprise, name="erp")
    for response in (client.get(KEYS), client.post(revoke_url(api_key))):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_enterprise_not_yet_approved_cannot_have_keys(client, enterprise_factory, trader_factory):
    from customs_portal.errors import ApplicationError

    pending = enterprise_factory(approved=False)
    client.force_login(trader_factory(pending))
    response = client.get(KEYS)
    assert response.status_code == 302  # to its registration status page
    with pytest.raises(ApplicationError):
        api_key_create(enterprise=pending, name="x")


def test_revoking_another_enterprises_key_in_the_service_fails(enterprise, other_enterprise):
    from customs_portal.errors import ApplicationError

    theirs, _ = api_key_create(enterprise=other_enterprise, name="theirs")
    with pytest.raises(ApplicationError):
        api_key_revoke(api_key=theirs, enterprise=enterprise)


def test_ops_create_keys_in_the_admin_for_approved_enterprises_only(
    otp_client_factory, staff_factory, enterprise_factory
):
    ops = otp_client_factory(staff_factory("ops"))
    approved = enterprise_factory()
    pending = enterprise_factory(approved=False)
    add = reverse("admin:registration_enterpriseapikey_add")
    assert ops.post(add, {"name": "erp", "enterprise": pending.pk}).status_code == 200  # form error
    assert not EnterpriseAPIKey.objects.exists()
    response = ops.post(add, {"name": "erp", "enterprise": approved.pk})
    assert response.status_code == 302
    assert EnterpriseAPIKey.objects.get().enterprise == approved


def test_reviewers_cannot_create_keys_in_the_admin(reviewer_client, enterprise):
    add = reverse("admin:registration_enterpriseapikey_add")
    assert reviewer_client.post(add, {"name": "erp", "enterprise": enterprise.pk}).status_code == 403
    assert not EnterpriseAPIKey.objects.exists()


def test_the_key_pages_are_in_the_menu_of_administrators_only(client, trader_factory, enterprise):
    link = f'href="{KEYS}"'
    client.force_login(trader_factory(enterprise, admin=True))
    assert link in client.get(reverse("home")).content.decode()
    client.force_login(trader_factory(enterprise, admin=False))
    assert link not in client.get(reverse("home")).content.decode()
