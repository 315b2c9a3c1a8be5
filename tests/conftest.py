"""Fixtures every app's tests share: enterprises, traders, staff with TOTP, a browser."""

import itertools
import os

import pytest
from stdnum.cn import uscc as uscc_std

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_counter = itertools.count(1)


def pytest_runtest_setup(item):
    """Tests marked `postgres` test PostgreSQL's own guarantees (locks, triggers, concurrent
    transactions); on the embedded SQLite default they are skipped, and CI runs on PostgreSQL."""
    if item.get_closest_marker("postgres"):
        from django.conf import settings

        if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
            pytest.skip("needs PostgreSQL (set DATABASE_URL); CI runs the suite on it")


def make_uscc(n: int | None = None) -> str:
    """A valid 18-character USCC, distinct for each n."""
    n = next(_counter) if n is None else n
    body = "91" + "310115" + f"{n:08d}"
    # the 9-character organisation code has its own check digit (GB 11714)
    org = body[8:16]
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(_ALPHABET.index(c) * w for c, w in zip(org, weights, strict=True))
    org_check = 11 - total % 11
    org_check = "0" if org_check == 11 else ("X" if org_check == 10 else str(org_check))
    partial = body + org_check
    return partial + uscc_std.calc_check_digit(partial)


def make_customs_code(n: int | None = None) -> str:
    n = next(_counter) if n is None else n
    return f"31{n:08d}"[:10]


@pytest.fixture
def enterprise_factory(db):
    from registration.models import Enterprise, EnterpriseStatus

    def create(*, roles=("owner",), approved=True, name=None, **fields):
        n = next(_counter)
        data = {
            "name": name or f"Enterprise {n} 有限公司",
            "uscc": make_uscc(n),
            "customs_code": make_customs_code(n) if approved else None,
            "contact_name": f"Contact {n}",
            "contact_phone": f"1380000{n:04d}",
            "contact_email": f"contact{n}@example.com",
            "address": "上海市浦东新区",
            "legal_representative": "张三",
        }
        for role in roles:
            data[f"is_{role}"] = True
        data.update(fields)
        enterprise = Enterprise(**data)
        # status is a protected FSM field: set it once, at creation, through the raw attribute.
        enterprise.__dict__["status"] = (
            EnterpriseStatus.APPROVED if approved else EnterpriseStatus.PENDING_REVIEW
        )
        enterprise.save()
        return Enterprise.objects.get(pk=enterprise.pk)

    return create


@pytest.fixture
def trader_factory(db):
    from registration.models import User

    # language: what the user reads the portal and their messages in; signing in switches the
    # portal to it. English, as the browser tests' pages (a test wanting Chinese says so).
    def create(enterprise, *, admin=True, username=None, password="correct-horse-battery", language="en"):
        n = next(_counter)
        user = User.objects.create_user(
            username=username or f"trader{n}",
            email=f"trader{n}@example.com",
            password=password,
            enterprise=enterprise,
            is_enterprise_admin=admin,
            language=language,
        )
        return user

    return create


@pytest.fixture
def enterprise(enterprise_factory):
    return enterprise_factory(roles=("owner", "ecommerce"))


@pytest.fixture
def other_enterprise(enterprise_factory):
    return enterprise_factory(roles=("owner", "ecommerce"), name="Another Trading Co 另一家公司")


@pytest.fixture
def trader(trader_factory, enterprise):
    return trader_factory(enterprise)


@pytest.fixture
def trader_client(client, trader):
    client.force_login(trader)
    return client


@pytest.fixture
def staff_factory(db):
    """Staff users with a confirmed TOTP device; ``otp_client`` signs them in verified."""
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from customs_portal.permissions import STAFF_ROLES
    from registration.models import User

    def create(role="reviewer", *, username=None, password="correct-horse-battery", language="en"):
        n = next(_counter)
        user = User.objects.create_user(
            username=username or f"{role}{n}",
            password=password,
            is_staff=True,
            email=f"{role}{n}@customs.example",
            language=language,
        )
        group, _ = Group.objects.get_or_create(name=STAFF_ROLES[role])
        user.groups.add(group)
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        return user

    return create


@pytest.fixture
def otp_client_factory(db):
    """A test client signed in as ``user`` with its second factor verified."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    def create(user):
        c = Client()
        c.force_login(user)
        session = c.session
        session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.first().persistent_id
        session.save()
        return c

    return create


@pytest.fixture
def reviewer(staff_factory):
    return staff_factory("reviewer")


@pytest.fixture
def reviewer_client(otp_client_factory, reviewer):
    return otp_client_factory(reviewer)


@pytest.fixture
def api_key_factory(db):
    from registration.models import EnterpriseAPIKey

    def create(enterprise, name="platform"):
        _, key = EnterpriseAPIKey.objects.create_key(name=name, enterprise=enterprise)
        return key

    return create


@pytest.fixture
def api_client_for(api_key_factory):
    """A DRF client that sends ``Authorization: Api-Key`` for the given enterprise."""
    from rest_framework.test import APIClient

    def create(enterprise):
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key_factory(enterprise)}")
        return c

    return create


@pytest.fixture
def sms_outbox(settings):
    from customs_portal import sms

    settings.SMS_BACKEND = "customs_portal.sms.LocmemSmsBackend"
    sms.outbox.clear()
    return sms.outbox


# --- the real browser -------------------------------------------------------------------
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/setup does)")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Open a fresh browser context (own cookies) in a given language; closed after the test."""
    contexts = []

    def create(locale="en-US"):
        context = browser.new_context(locale=locale, extra_http_headers={"Accept-Language": locale})
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield create
    for context in contexts:
        context.close()


@pytest.fixture
def staff_groups(db):
    from django.contrib.auth.models import Group

    from customs_portal.permissions import STAFF_ROLES

    return [Group.objects.get_or_create(name=name)[0] for name in STAFF_ROLES.values()]
