"""Cases of every kind the queues hold, from the apps' own test fixtures."""

import datetime as dt

import pytest

from tests.authorization.conftest import authorization_factory  # noqa: F401
from tests.channels.conftest import exporter, make_declared  # noqa: F401


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pending_enterprise(enterprise_factory):
    from django.utils import timezone

    from registration.models import Enterprise

    enterprise = enterprise_factory(approved=False, name="Pending Trading Co 待审有限公司")
    # submitted on Monday 2026-06-01, 09:00 Beijing time: due three working days later
    Enterprise.objects.filter(pk=enterprise.pk).update(
        submitted_at=timezone.make_aware(dt.datetime(2026, 6, 1, 9, 0))
    )
    return Enterprise.objects.get(pk=enterprise.pk)


@pytest.fixture
def staff_without_role(db):
    """A staff account holding none of the customs roles (but a verified second factor)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from registration.models import User

    user = User.objects.create_user(username="norole", password="correct-horse-battery", is_staff=True)
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user
