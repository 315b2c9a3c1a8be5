import itertools

import pytest

_numbers = itertools.count(1)


@pytest.fixture
def approved_authorization(db):
    """An approved authorization between a principal and its agent, with its approval in history."""
    from authorization.models import Authorization, AuthorizationHistory

    def create(principal, agent, *, valid_from, valid_to, status="approved"):
        obj = Authorization(
            principal=principal, agent=agent, principal_name=principal.name, principal_uscc=principal.uscc,
            principal_contact_name="a", principal_contact_phone="1", principal_contact_email="a@example.com",
            agent_name=agent.name, agent_uscc=agent.uscc, agent_contact_name="b", agent_contact_phone="2",
            agent_contact_email="b@example.com", scope="export", valid_from=valid_from, valid_to=valid_to,
            initiated_by="principal", number=f"WTB{next(_numbers):07d}",
        )  # fmt: skip
        obj.__dict__["status"] = status
        obj.save()
        AuthorizationHistory.objects.create(
            authorization=obj, from_status="under_review", to_status="approved"
        )
        return obj

    return create


@pytest.fixture
def officer(db):
    from registration.cooperation.business.models import CoordinatingOfficer

    return CoordinatingOfficer.objects.create(
        name="Zhou Min 周敏", office="Shanghai Pudong Customs, Enterprise Management Section", phone="021-58880000",
        hours="Mon–Fri 9:00–17:00",
    )  # fmt: skip


@pytest.fixture
def sections(db):
    from registration.cooperation.business.models import AssessmentSection

    return [
        AssessmentSection.objects.create(
            order=1, title_en="Internal control", title_zh="内部控制",
            guidance_en="Describe how declarations are checked.", guidance_zh="说明如何复核申报。",
        ),
        AssessmentSection.objects.create(
            order=2, title_en="Financial standing", title_zh="财务状况",
            guidance_en="Solvency and tax compliance.", guidance_zh="偿债能力与纳税情况。",
        ),
    ]  # fmt: skip
