"""Fixtures the declarations tests share."""

import itertools

import pytest

_numbers = itertools.count(1)


@pytest.fixture
def authorization_factory(db):
    """An approved authorization between a principal and its agent (the intake reads only these)."""
    from authorization.models import Authorization

    def create(principal, agent, *, scope, valid_from, valid_to):
        obj = Authorization(
            principal=principal, agent=agent, principal_name=principal.name, principal_uscc=principal.uscc,
            principal_contact_name="a", principal_contact_phone="1", principal_contact_email="a@example.com",
            agent_name=agent.name, agent_uscc=agent.uscc, agent_contact_name="b", agent_contact_phone="2",
            agent_contact_email="b@example.com", scope=scope, valid_from=valid_from, valid_to=valid_to,
            initiated_by="principal", number=f"WTL{next(_numbers):07d}",
        )  # fmt: skip
        obj.__dict__["status"] = "approved"
        obj.save()
        return obj

    return create


@pytest.fixture
def no_random_inspection(db):
    """The random draw would send some lists red: tests that pin the comparison set it to 0."""
    from declarations.channels.models import InspectionSetting

    InspectionSetting.objects.create(rate=0)
