"""Fixtures for the authorization tests: the two parties and authorizations in any state."""

import datetime as dt
import itertools

import pytest

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    """The services' "today" is Monday 2026-06-01 unless a test says otherwise: due dates and
    validity checks do not drift with the real date (nor meet a calendar year not known yet)."""
    from authorization import services

    monkeypatch.setattr(services, "_today", lambda: dt.date(2026, 6, 1))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded powers of attorney land in a throw-away folder, not the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pdf_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    def create(name="poa.pdf", content=PDF):
        return SimpleUploadedFile(name, content, content_type="application/pdf")

    return create


@pytest.fixture
def owner(enterprise_factory):
    return enterprise_factory(roles=("owner",), name="Owner Goods Co 货主有限公司")


@pytest.fixture
def broker(enterprise_factory):
    return enterprise_factory(roles=("broker",), name="Broker Customs Co 报关有限公司")


@pytest.fixture
def owner_user(trader_factory, owner):
    return trader_factory(owner)


@pytest.fixture
def broker_user(trader_factory, broker):
    return trader_factory(broker)


@pytest.fixture
def authorization_factory(db):
    """An authorization between ``principal`` and ``agent`` created directly in ``status``."""
    from authorization.models import Authorization

    def create(
        principal, agent, *, status="approved", scope="both", valid_from=None, valid_to=None, **fields
    ):
        data = {
            "principal": principal,
            "agent": agent,
            "principal_name": principal.name,
            "principal_uscc": principal.uscc,
            "principal_contact_name": principal.contact_name,
            "principal_contact_phone": principal.contact_phone,
            "principal_contact_email": principal.contact_email,
            "agent_name": agent.name,
            "agent_uscc": agent.uscc,
            "agent_contact_name": agent.contact_name,
            "agent_contact_phone": agent.contact_phone,
            "agent_contact_email": agent.contact_email,
            "scope": scope,
            "valid_from": valid_from or dt.date(2026, 1, 1),
            "valid_to": valid_to or dt.date(2026, 12, 31),
            "initiated_by": "principal",
            # authorization_create numbers every authorization; so does the factory
            "number": f"WT2026T{next(_numbers):07d}",
        }
        data.update(fields)
        obj = Authorization(**data)
        # status is a protected FSM field: set it once, at creation, through the raw attribute.
        obj.__dict__["status"] = status
        obj.save()
        return Authorization.objects.get(pk=obj.pk)

    return create
