"""seed_demo: the demo enterprises, users and staff the other apps build on; idempotent."""

import io

import pytest
from django.core.management import call_command

from registration.demo import DEMO_PASSWORD, ENTERPRISES
from registration.models import Enterprise, EnterpriseHistory, EnterpriseStatus, User

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from notifications.models import Notification

    return {
        "enterprises": Enterprise.objects.count(),
        "history": EnterpriseHistory.objects.count(),
        "users": User.objects.count(),
        "devices": TOTPDevice.objects.count(),
        "groups": Group.objects.count(),
        "notifications": Notification.objects.count(),
    }


def test_seed_demo_creates_the_demo_enterprises_of_every_role(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = seed()
    expected = {
        "3100000001": ("上海远航报关有限公司", ["broker"], "demo-broker"),
        "3100000002": ("杭州云购跨境电商有限公司", ["owner", "ecommerce"], "demo-exporter"),
        "3100000003": (None, ["platform"], "demo-platform"),
        "3100000004": (None, ["logistics"], "demo-logistics"),
        "3100000005": (None, ["payment"], "demo-payment"),
        "3100000006": (None, ["owner"], "demo-owner"),
    }
    for code, (name, roles, username) in expected.items():
        enterprise = Enterprise.objects.get(customs_code=code)
        assert enterprise.status == EnterpriseStatus.APPROVED
        assert name is None or enterprise.name == name
        assert enterprise.roles == roles
        user = User.objects.get(username=username)
        assert user.enterprise == enterprise and user.is_enterprise_admin and not user.is_staff
        assert user.check_password(DEMO_PASSWORD)
        assert username in out
    assert Enterprise.objects.get(customs_code="3100000002").pilot_zone
    # registrations waiting in the review queue, with their scans
    from registration.review import review_queue

    queue = list(review_queue())
    assert len(queue) == 2 and all(e.licence_file and e.tax_certificate_file for e in queue)
    assert "Demo logins:" in out and DEMO_PASSWORD in out


@pytest.mark.parametrize(
    ("username", "group"), [("reviewer", "customs reviewer"), ("risk", "risk officer"), ("ops", "ops")]
)
def test_seed_demo_creates_staff_with_totp(settings, tmp_path, username, group):
    settings.MEDIA_ROOT = tmp_path
    out = seed()
    user = User.objects.get(username=username)
    assert user.is_staff and user.groups.filter(name=group).exists()
    device = user.totpdevice_set.get()
    assert device.confirmed and device.config_url in out


def test_seed_demo_twice_changes_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed()
    before = counts()
    out = seed()
    assert counts() == before
    assert "enterprises created 0, updated 0, unchanged 6" in out


def test_demo_rows_are_valid_import_rows(db):
    from registration.onboarding import enterprise_import_check

    _cleaned, problems = enterprise_import_check(rows=[row for _u, row in ENTERPRISES])
    assert problems == []


def test_registration_demo_runs_first():
    from registration.management.commands.seed_demo import DEMO_MODULES

    assert DEMO_MODULES[0] == "registration.demo"
