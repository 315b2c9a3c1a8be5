"""Behind the TLS proxy: X-Forwarded-Proto and X-Forwarded-For count only when the proxy sent
them (the peer is one of FORWARDED_ALLOW_IPS); a client reaching gunicorn any other way cannot
pass for HTTPS nor for another address."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
PROXY = "172.30.240.2"


@pytest.fixture
def behind_proxy(settings):
    settings.FORWARDED_ALLOW_IPS = [PROXY]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    return settings


def test_https_from_the_proxy_is_https(client, behind_proxy):
    page = client.get("/accounts/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert page.status_code == 200
    plain = client.get("/accounts/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="http")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")


def test_a_client_that_reaches_gunicorn_directly_cannot_claim_https(client, behind_proxy):
    for peer in ("203.0.113.9", "172.30.240.3", "127.0.0.1"):
        response = client.get("/accounts/login/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_PROTO="https")
        assert response.status_code == 301, peer
        assert response["Location"] == "https://testserver/accounts/login/"


def _fail_sign_in(client, username, **headers):
    from django.conf import settings

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": username, "password": "wrong-password-1"}, **headers)


def test_sign_in_lock_out_counts_the_clients_address_the_proxy_gives(client, trader, behind_proxy):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    via_proxy = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_PROTO": "https"}
    _fail_sign_in(client, trader.username, HTTP_X_FORWARDED_FOR="198.51.100.7", **via_proxy)
    right = {"username": trader.username, "password": "correct-horse-battery"}
    locked = client.post(reverse("login"), right, HTTP_X_FORWARDED_FOR="198.51.100.7", **via_proxy)
    assert locked.status_code == 429
    # the trader at another address is not locked out by what someone else tried
    other = client.post(reverse("login"), right, HTTP_X_FORWARDED_FOR="198.51.100.8", **via_proxy)
    assert other.status_code == 302 and "_auth_user_id" in client.session

    # from anyone but the proxy, a made-up address each try does not escape the lock-out
    AccessAttempt.objects.all().delete()
    behind_proxy.SECURE_SSL_REDIRECT = False  # so that plain HTTP reaches the sign-in form
    direct = Client()  # a new client: its middleware reads the changed setting
    for n in range(5):
        direct.post(
            reverse("login"),
            {"username": trader.username, "password": "wrong-password-1"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
