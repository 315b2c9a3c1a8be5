"""Passwords are stored with Argon2id (OWASP's parameters); a password stored before with
Django's PBKDF2 still signs in, and is stored again with Argon2id at that sign-in."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import override_settings

from customs_portal.hashers import PortalArgon2PasswordHasher

PASSWORD = "correct-horse-battery"
PRODUCTION = override_settings(PASSWORD_HASHERS=settings.PORTAL_PASSWORD_HASHERS)


def test_the_portal_hashes_with_argon2id_at_owasp_parameters():
    with PRODUCTION:
        encoded = make_password(PASSWORD)
        assert isinstance(identify_hasher(encoded), PortalArgon2PasswordHasher)
    # argon2$argon2id$v=19$m=47104,t=1,p=1$salt$hash
    _algorithm, variety, _version, params, *_rest = encoded.split("$")
    assert variety == "argon2id"
    assert params == "m=47104,t=1,p=1"
    assert PortalArgon2PasswordHasher.memory_cost * 1024 >= 46 * 1024 * 1024  # never below OWASP's
    with PRODUCTION:
        assert check_password(PASSWORD, encoded)
        assert not check_password(PASSWORD + "!", encoded)


def test_pbkdf2_stays_at_djangos_default_iterations_for_the_passwords_stored_with_it():
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in settings.PORTAL_PASSWORD_HASHERS
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    assert PBKDF2PasswordHasher.iterations >= 1_000_000


@pytest.mark.django_db
def test_a_password_stored_with_pbkdf2_signs_in_and_is_stored_again_with_argon2id(
    client, trader_factory, enterprise
):
    user = trader_factory(enterprise)
    with PRODUCTION:
        user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])
        response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$")
        assert check_password(PASSWORD, user.password)


@pytest.mark.django_db
def test_a_wrong_password_still_fails_and_counts_towards_the_lockout(client, trader_factory, enterprise):
    from axes.models import AccessAttempt

    user = trader_factory(enterprise)
    with PRODUCTION:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        response = client.post(
            "/accounts/login/", {"username": user.username, "password": "wrong-password-1"}
        )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username=user.username).get().failures_since_start == 1
