"""The duty forms over the API: the consignor's own only."""

import pytest

from declarations.duties.models import DutyForm, SandboxTransaction
from declarations.duties.payments import SandboxProvider


@pytest.fixture
def form(released_duty_list):
    return DutyForm.objects.get(inventory=released_duty_list())


@pytest.mark.django_db
def test_api_lists_and_shows_the_form_with_its_lines_and_bill(form, api_client_for, exporter):
    api = api_client_for(exporter)
    listing = api.get("/api/v1/duties/forms/").json()
    assert [item["id"] for item in listing["results"]] == [form.pk] and listing["next_page"] is None
    data = api.get(f"/api/v1/duties/forms/{form.pk}/").json()
    assert data["status"] == "waiting_for_payment" and data["duty_total"] == "200.00"
    assert data["bill"]["number"] == form.bill.number and data["bill"]["amount"] == "200.00"
    assert data["bill"]["due_date"] == form.bill.due_date.isoformat() and data["bill"]["paid"] is False
    assert [line["duty"] for line in data["lines"]] == ["200.00", "0.00"]


@pytest.mark.django_db
def test_api_pays_with_the_checked_amount_only(form, api_client_for, exporter):
    api = api_client_for(exporter)
    refused = api.post(f"/api/v1/duties/forms/{form.pk}/pay/", {"amount": "1.00"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "amount_changed"
    assert not SandboxTransaction.objects.exists()
    started = api.post(f"/api/v1/duties/forms/{form.pk}/pay/", {"amount": "200.00"}, format="json")
    tx = SandboxTransaction.objects.get()
    assert started.status_code == 200 and started.json()["redirect_url"].endswith(
        f"/sandbox/{tx.provider_reference}/"
    )
    SandboxProvider.drive(provider_reference=tx.provider_reference, outcome="paid")
    data = api.get(f"/api/v1/duties/forms/{form.pk}/").json()
    assert data["status"] == "paid" and data["bill"]["provider_reference"] == tx.provider_reference
    again = api.post(f"/api/v1/duties/forms/{form.pk}/pay/", {"amount": "200.00"}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "already_paid"


@pytest.mark.django_db
def test_api_hides_another_enterprises_forms(form, api_client_for, enterprise_factory):
    from rest_framework.test import APIClient

    stranger = api_client_for(enterprise_factory(roles=("ecommerce",)))
    assert stranger.get("/api/v1/duties/forms/").json()["results"] == []
    assert stranger.get(f"/api/v1/duties/forms/{form.pk}/").status_code == 404
    assert (
        stranger.post(f"/api/v1/duties/forms/{form.pk}/pay/", {"amount": "200.00"}, format="json").status_code
        == 404
    )
    assert not SandboxTransaction.objects.exists()
    assert APIClient().get(f"/api/v1/duties/forms/{form.pk}/").status_code == 401


@pytest.mark.django_db
def test_api_answers_not_found_for_a_page_that_is_not_a_number(form, api_client_for, exporter):
    api = api_client_for(exporter)
    for page in ("0", "-1", "abc"):
        assert api.get(f"/api/v1/duties/forms/?page={page}").status_code == 404
    assert [item["id"] for item in api.get("/api/v1/duties/forms/?page=1").json()["results"]] == [form.pk]
