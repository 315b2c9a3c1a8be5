"""Signed CEB messages: certificates registered by the enterprise, signatures checked against them."""

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import etree

from customs_portal.errors import ApplicationError
from declarations.ceb import get_schema
from declarations.exchange.models import Receipt
from declarations.models import IntakeRejection
from declarations.returns.models import InventoryReturn
from declarations.signatures.models import EnterpriseCertificate
from declarations.signatures.services import certificate_register, signature_requirement_set
from tests.declarations import ceb_builders as b

from .builders import refund_entry
from .signing import make_identity, pem, signed

pytestmark = pytest.mark.django_db


def post_xml(api, body):
    return api.generic(
        "POST", "/api/v1/messages/", body, content_type="application/xml", HTTP_ACCEPT_LANGUAGE="en"
    )


@pytest.fixture
def identity(shop):
    key, cert = make_identity()
    certificate_register(enterprise=shop, data=pem(cert))
    return key, cert


def refund_xml(shop, departed):
    return b.message("refund", [refund_entry(inventory=departed)], cop_code=shop.customs_code)


def test_a_message_signed_with_a_registered_certificate_is_read(shop, departed, identity, api_client_for):
    body = signed(refund_xml(shop, departed), *identity)
    assert get_schema().validate(etree.fromstring(body).getroottree())  # ds:Signature where the XSD allows it
    response = post_xml(api_client_for(shop), body)
    assert response.status_code == 200, response.content
    assert response.json()[0]["status"] == "accepted"
    assert InventoryReturn.objects.count() == 1


def test_a_message_changed_after_signing_is_refused_with_1004(shop, departed, identity, api_client_for):
    body = signed(refund_xml(shop, departed), *identity).replace(
        b"Customer returned it", b"Customer returned IT"
    )
    response = post_xml(api_client_for(shop), body)
    assert response.status_code == 400
    assert response.json()[0]["info"].startswith("1004")
    assert not InventoryReturn.objects.exists()
    # the refusal is in the clearance log and answered by a CEB214 receipt for the entry
    assert IntakeRejection.objects.filter(sender=shop, kind="message").exists()
    receipt = Receipt.objects.get(kind="refund", recipient=shop)
    assert receipt.status == "rejected" and receipt.return_info.startswith("1004")


def test_a_message_signed_with_an_unknown_certificate_is_refused_with_1004(
    shop, departed, identity, api_client_for
):
    body = signed(refund_xml(shop, departed), *make_identity("Someone else"))
    response = post_xml(api_client_for(shop), body)
    assert response.json()[0]["info"].startswith("1004")


def test_another_enterprises_certificate_does_not_sign_for_this_one(
    shop, departed, enterprise_factory, api_client_for
):
    other = enterprise_factory(roles=("ecommerce",))
    key, cert = make_identity("Other")
    certificate_register(enterprise=other, data=pem(cert))
    response = post_xml(api_client_for(shop), signed(refund_xml(shop, departed), key, cert))
    assert response.json()[0]["info"].startswith("1004")


def test_an_expired_certificate_no_longer_signs(shop, departed, api_client_for):
    key, cert = make_identity(days_from=-30, days_to=-1)
    certificate_register(enterprise=shop, data=pem(cert))
    response = post_xml(api_client_for(shop), signed(refund_xml(shop, departed), key, cert))
    assert response.json()[0]["info"].startswith("1004")


def test_a_signature_that_cannot_be_read_is_refused_with_1001(shop, departed, identity, api_client_for):
    body = b.message(
        "refund", [refund_entry(inventory=departed)], cop_code=shop.customs_code, signature=b.SIGNATURE
    )
    response = post_xml(api_client_for(shop), body)
    assert response.status_code == 400
    assert response.json()[0]["info"].startswith("1001")


def test_unsigned_messages_are_read_unless_the_enterprise_requires_signatures(
    shop, departed, identity, api_client_for
):
    api = api_client_for(shop)
    assert post_xml(api, refund_xml(shop, departed)).status_code == 200
    signature_requirement_set(enterprise=shop, required=True)
    other = b.message(
        "refund", [refund_entry(inventory=departed, lines=[(1, "1")])], cop_code=shop.customs_code
    )
    response = post_xml(api, other)
    assert response.status_code == 400
    assert response.json()[0]["info"].startswith("1001")
    json_response = api.post(
        "/api/v1/inventory-returns/", {"entries": [refund_entry(inventory=departed)]}, format="json"
    )
    assert json_response.status_code == 400
    assert json_response.json()["code"] == "signature_required"


def test_signatures_cannot_be_required_without_a_valid_certificate(shop):
    with pytest.raises(ApplicationError):
        signature_requirement_set(enterprise=shop, required=True)


# --- registering certificates ---------------------------------------------------------------------
def test_pem_and_der_are_registered_with_their_validity(shop):
    _key, cert = make_identity("Shop PEM")
    _key2, cert2 = make_identity("Shop DER")
    first = certificate_register(enterprise=shop, data=pem(cert))
    second = certificate_register(enterprise=shop, data=cert2.public_bytes(serialization.Encoding.DER))
    assert first.subject == "CN=Shop PEM" and second.subject == "CN=Shop DER"
    assert first.is_valid_now and first.not_after == cert.not_valid_after_utc
    with pytest.raises(ApplicationError):
        certificate_register(enterprise=shop, data=pem(cert))  # twice


@pytest.mark.parametrize("kind", ["key", "junk", "empty"])
def test_anything_but_a_certificate_is_refused(shop, kind):
    key, cert = make_identity()
    data = {
        "key": key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        + pem(cert),
        "junk": b"%PDF-1.4 not a certificate",
        "empty": b"",
    }[kind]
    with pytest.raises(ApplicationError):
        certificate_register(enterprise=shop, data=data)
    assert not EnterpriseCertificate.objects.exists()


def test_the_trader_page_registers_shows_and_removes_certificates(client, trader_factory, shop):
    client.force_login(trader_factory(shop))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("declarations:certificates")
    _key, cert = make_identity("Shop Upload")
    response = client.post(url, {"file": SimpleUploadedFile("shop.pem", pem(cert))})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "CN=Shop Upload" in page and "Valid" in page
    bad = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF")})
    assert bad.status_code == 400 and "not an X.509 certificate" in bad.content.decode()
    certificate = EnterpriseCertificate.objects.get()
    client.post(reverse("declarations:certificate_remove", args=[certificate.pk]))
    assert not EnterpriseCertificate.objects.exists()


def test_an_operator_sees_but_does_not_change_and_others_see_nothing(
    client, trader_factory, shop, identity, enterprise_factory
):
    operator = trader_factory(shop, admin=False)
    client.force_login(operator)
    url = reverse("declarations:certificates")
    assert "CN=Shop IKEY" in client.get(url).content.decode()
    certificate = EnterpriseCertificate.objects.get()
    assert client.post(reverse("declarations:certificate_remove", args=[certificate.pk])).status_code == 403
    _key, cert = make_identity("Sneaky")
    client.post(url, {"file": SimpleUploadedFile("s.pem", pem(cert))})
    assert EnterpriseCertificate.objects.count() == 1
    assert client.post(reverse("declarations:signature_requirement"), {"required": "1"}).status_code == 403

    client.force_login(trader_factory(enterprise_factory(roles=("ecommerce",))))
    assert "CN=Shop IKEY" not in client.get(url).content.decode()
    assert client.post(reverse("declarations:certificate_remove", args=[certificate.pk])).status_code == 404
    assert EnterpriseCertificate.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("declarations:certificates"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_customs_reads_certificates_in_admin(reviewer_client, identity):
    response = reviewer_client.get("/admin/signatures/enterprisecertificate/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "CN=Shop IKEY" in response.content.decode()


def test_the_async_path_checks_the_signature_before_accepting(shop, departed, identity, api_client_for):
    body = signed(refund_xml(shop, departed), *make_identity("Someone else"))
    response = api_client_for(shop).generic(
        "POST", "/api/v1/messages/", body, content_type="application/xml", HTTP_PREFER="respond-async"
    )
    assert response.status_code == 400
    assert response.json()[0]["info"].startswith("1004")
