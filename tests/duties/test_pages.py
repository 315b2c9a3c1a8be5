"""Trader pages of duty forms: what the enterprise sees, and nobody else."""

import pytest
from django.urls import reverse
from django.utils import timezone

from declarations.duties.models import DutyForm, SandboxTransaction
from declarations.duties.payments import SandboxProvider


@pytest.fixture
def form(released_duty_list):
    return DutyForm.objects.get(inventory=released_duty_list())


@pytest.fixture
def owner_client(client, trader_factory, exporter):
    client.force_login(trader_factory(exporter))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the pages in English (the default is Chinese)
    return client


def urls(form, ref="SBXNONE"):
    return [
        reverse("duties:form_detail", args=[form.pk]),
        reverse("duties:pay", args=[form.pk]),
        reverse("duties:receipt_pdf", args=[form.pk]),
        reverse("duties:sandbox_checkout", args=[ref]),
    ]


@pytest.mark.django_db
def test_trader_sees_the_form_the_bill_and_pays_through_the_check_page(form, owner_client):
    page = owner_client.get(reverse("duties:form_list")).content.decode()
    assert str(form) in page and "200.00" in page
    detail = owner_client.get(reverse("duties:form_detail", args=[form.pk])).content.decode()
    assert form.bill.number in detail and "Waiting for payment" in detail
    check = owner_client.get(reverse("duties:pay", args=[form.pk])).content.decode()
    assert form.bill.number in check and "200.00" in check
    # the receipt does not exist before the bill is paid
    assert owner_client.get(reverse("duties:receipt_pdf", args=[form.pk])).status_code == 404
    response = owner_client.post(reverse("duties:pay", args=[form.pk]), {"amount": "200.00"})
    tx = SandboxTransaction.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/sandbox/{tx.provider_reference}/")
    assert "200.00" in owner_client.get(response["Location"]).content.decode()
    response = owner_client.post(response["Location"], {"outcome": "paid"})
    assert response.status_code == 302
    detail = owner_client.get(reverse("duties:form_detail", args=[form.pk])).content.decode()
    assert "Duty paid" in detail and tx.provider_reference in detail
    pdf = owner_client.get(reverse("duties:receipt_pdf", args=[form.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    import io

    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    form.bill.refresh_from_db()
    for shown in (
        form.bill.number,
        "200.00",
        tx.provider_reference,
        f"{timezone.localtime(form.bill.paid_at):%Y-%m-%d}",
    ):
        assert shown in text


@pytest.mark.django_db
def test_pay_from_a_stale_check_page_is_refused(form, owner_client):
    response = owner_client.post(reverse("duties:pay", args=[form.pk]), {"amount": "1.00"})
    assert response.status_code == 302 and response["Location"] == reverse("duties:pay", args=[form.pk])
    assert not SandboxTransaction.objects.exists()


@pytest.mark.django_db
def test_list_page_shows_the_duty_form_to_its_enterprise(form, owner_client):
    page = owner_client.get(
        reverse("declarations:inventory_detail", args=[form.inventory_id])
    ).content.decode()
    assert reverse("duties:form_detail", args=[form.pk]) in page


@pytest.mark.django_db
def test_another_enterprise_cannot_see_pay_or_fetch_the_receipt(
    form, client, trader_factory, enterprise_factory
):
    services_start = __import__("declarations.duties.services", fromlist=["x"]).tax_bill_pay_start
    url = services_start(bill=form.bill, actor=None, return_url="/")
    ref = url.rstrip("/").rsplit("/", 1)[1]
    SandboxProvider.drive(provider_reference=ref, outcome="timeout")  # money taken; still open page
    form.bill.refresh_from_db()
    stranger = enterprise_factory(roles=("ecommerce",))
    client.force_login(trader_factory(stranger))
    for address in urls(form, ref):
        assert client.get(address).status_code == 404, address
    assert client.post(reverse("duties:pay", args=[form.pk]), {"amount": "200.00"}).status_code == 404
    assert client.post(reverse("duties:sandbox_checkout", args=[ref]), {"outcome": "paid"}).status_code == 404
    assert str(form) not in client.get(reverse("duties:form_list")).content.decode()


@pytest.mark.django_db
def test_anonymous_and_staff_without_an_enterprise_are_kept_out(form, client, staff_factory):
    for address in urls(form):
        response = client.get(address)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(staff_factory("reviewer"))
    for address in urls(form):
        assert client.get(address).status_code == 403


@pytest.mark.django_db
def test_chinese_pages_read_in_chinese(form, client, trader_factory, exporter):
    client.force_login(trader_factory(exporter, language="zh-hans"))
    page = client.get(
        reverse("duties:form_detail", args=[form.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "等待缴款" in page and "税款缴款书" in page


@pytest.mark.django_db
def test_sandbox_checkout_is_not_there_when_a_real_provider_is_configured(form, owner_client, settings):
    from declarations.duties.services import tax_bill_pay_start

    url = tax_bill_pay_start(bill=form.bill, actor=None, return_url="/")
    assert owner_client.get(url).status_code == 200
    settings.DUTY_PAYMENT_PROVIDER = "declarations.duties.payments.PaymentProvider"
    assert owner_client.get(url).status_code == 404
