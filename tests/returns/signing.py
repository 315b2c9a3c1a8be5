"""Keys, self-signed certificates and signed CEB messages for tests (cryptography + signxml)."""

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner


def make_identity(name="Shop IKEY", *, days_from=-1, days_to=365):
    """A fresh RSA key and its self-signed certificate, valid from ``days_from`` to ``days_to``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + dt.timedelta(days=days_from))
        .not_valid_after(now + dt.timedelta(days=days_to))
        .sign(key, hashes.SHA256())
    )
    return key, cert


def pem(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def signed(body: bytes, key, cert) -> bytes:
    """The message with an enveloped ds:Signature (RSA-SHA256) as its last child."""
    root = etree.fromstring(body)
    signed_root = XMLSigner().sign(root, key=key, cert=pem(cert).decode())
    return etree.tostring(signed_root, xml_declaration=True, encoding="UTF-8")
