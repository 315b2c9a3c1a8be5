"""Verification codes under concurrent attempts, in real parallel requests on PostgreSQL:
the lock, the code and the count of wrong codes are checked under one row lock, so thirty
wrong codes at once are five checks and a lock, never more."""

import re
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from registration import services
from registration.models import Enterprise, EnterpriseStatus, VerificationThrottle
from tests.registration.test_signup import signup_kwargs

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ATTEMPTS = 30


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()  # the per-address and per-destination send limits
    yield
    cache.clear()


def _post_codes(cookies, codes):
    """POST each code from its own client and thread, all released at once; return the pages."""
    barrier = threading.Barrier(len(codes))
    pages = [None] * len(codes)

    def run(i, code):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.cookies = cookies
        try:
            barrier.wait(timeout=20)
            pages[i] = client.post(reverse("registration:verify"), {"action": "verify", "code": code})
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, code)) for i, code in enumerate(codes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return [page.content.decode() if page is not None else "" for page in pages]


def test_thirty_concurrent_wrong_codes_are_five_checks_then_locked_and_the_right_code_is_refused(
    mailoutbox,
):
    applicant = services.enterprise_signup(**signup_kwargs())
    services.verification_code_send(user=applicant, channel="email", client_address="10.0.0.1")
    right = re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)
    wrong = "000000" if right != "000000" else "111111"
    login = Client()
    login.force_login(applicant)

    pages = _post_codes(login.cookies, [wrong] * ATTEMPTS)

    # a checked code is answered "n attempts left" (the fifth: "locked for 15 minutes");
    # a refused one only "locked until HH:MM", without looking at the code
    checked = [p for p in pages if "attempts left" in p or "locked for 15 minutes" in p]
    refused = [p for p in pages if p not in checked and "Verification is locked until" in p]
    assert len(checked) == services.CODE_MAX_FAILURES
    assert len(refused) == ATTEMPTS - services.CODE_MAX_FAILURES
    assert VerificationThrottle.objects.get(user=applicant).failures == services.CODE_MAX_FAILURES

    [page] = _post_codes(login.cookies, [right])
    assert "Verification is locked until" in page and "Your account is activated" not in page
    assert Enterprise.objects.get(pk=applicant.enterprise_id).status == EnterpriseStatus.UNVERIFIED
