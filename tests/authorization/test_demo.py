"""The authorization demo: a few authorizations between the demo enterprises, in several
states; idempotent; skipped with a message when the enterprises are missing."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from authorization import demo, services
from authorization.models import Authorization

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 6, 1))
    monkeypatch.setattr(services, "_today", lambda: dt.date(2026, 6, 1))


def seed(module) -> str:
    out = io.StringIO()
    module.seed(stdout=out)
    return out.getvalue()


def test_demo_builds_authorizations_between_the_demo_enterprises_once():
    from registration import demo as registration_demo

    seed(registration_demo)
    out = seed(demo)
    assert "4 authorizations created" in out
    statuses = sorted(Authorization.objects.values_list("status", flat=True))
    assert statuses == ["approved", "awaiting_confirmation", "supplement_requested", "under_review"]
    assert set(Authorization.objects.values_list("agent__customs_code", flat=True)) == {"3100000001"}
    assert set(Authorization.objects.values_list("principal__customs_code", flat=True)) == {
        "3100000002",
        "3100000006",
    }
    approved = Authorization.objects.get(status="approved")
    assert approved.auto_renew and approved.history.count() == 4

    assert "0 authorizations created" in seed(demo)
    assert Authorization.objects.count() == 4


def test_demo_without_the_demo_enterprises_says_so_and_creates_nothing():
    out = seed(demo)
    assert "3100000001" in out and "missing" in out
    assert not Authorization.objects.exists()


def test_demo_skips_a_missing_owner(enterprise_factory):
    enterprise_factory(roles=("broker",), customs_code="3100000001")
    enterprise_factory(roles=("owner",), customs_code="3100000006")
    out = seed(demo)
    assert "3100000002 is missing" in out
    assert Authorization.objects.count() == 1  # no reviewer: the second one is not sent back
    assert Authorization.objects.get().status == "under_review"
