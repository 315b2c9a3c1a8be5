"""authorization_is_valid: the question the declaration intake asks before a broker declares."""

import datetime as dt

import pytest

from authorization.models import AuthorizationChange
from authorization.selectors import authorization_is_valid

pytestmark = pytest.mark.django_db

D = dt.date


def test_approved_authorization_is_valid_inside_its_period(owner, broker, authorization_factory):
    authorization_factory(owner, broker, scope="both", valid_from=D(2026, 3, 1), valid_to=D(2026, 8, 31))
    for day in (D(2026, 3, 1), D(2026, 6, 15), D(2026, 8, 31)):
        for direction in ("import", "export"):
            assert authorization_is_valid(agent=broker, principal=owner, direction=direction, on_date=day)


def test_authorization_is_not_valid_before_or_after_its_period(owner, broker, authorization_factory):
    authorization_factory(owner, broker, valid_from=D(2026, 3, 1), valid_to=D(2026, 8, 31))
    assert not authorization_is_valid(
        agent=broker, principal=owner, direction="export", on_date=D(2026, 2, 28)
    )
    assert not authorization_is_valid(
        agent=broker, principal=owner, direction="export", on_date=D(2026, 9, 1)
    )


def test_scope_must_cover_the_direction(owner, broker, authorization_factory):
    authorization_factory(owner, broker, scope="export")
    assert authorization_is_valid(agent=broker, principal=owner, direction="export", on_date=D(2026, 5, 1))
    assert not authorization_is_valid(
        agent=broker, principal=owner, direction="import", on_date=D(2026, 5, 1)
    )


@pytest.mark.parametrize(
    "status",
    [
        "draft",
        "awaiting_confirmation",
        "under_review",
        "supplement_requested",
        "rejected",
        "revoked",
        "expired",
    ],
)
def test_only_an_approved_authorization_is_valid(owner, broker, authorization_factory, status):
    authorization_factory(owner, broker, status=status)
    assert not authorization_is_valid(
        agent=broker, principal=owner, direction="export", on_date=D(2026, 5, 1)
    )


def test_parties_are_not_interchangeable(owner, broker, enterprise_factory, authorization_factory):
    authorization_factory(owner, broker)
    other_broker = enterprise_factory(roles=("broker",))
    assert not authorization_is_valid(
        agent=other_broker, principal=owner, direction="export", on_date=D(2026, 5, 1)
    )
    assert not authorization_is_valid(
        agent=owner, principal=broker, direction="export", on_date=D(2026, 5, 1)
    )


def test_ids_are_accepted_as_well_as_enterprises(owner, broker, authorization_factory):
    authorization_factory(owner, broker)
    assert authorization_is_valid(
        agent=broker.pk, principal=owner.pk, direction="import", on_date=D(2026, 5, 1)
    )


def test_pending_change_leaves_the_old_terms_in_force(owner, broker, authorization_factory):
    auth = authorization_factory(
        owner, broker, scope="export", valid_from=D(2026, 1, 1), valid_to=D(2026, 6, 30)
    )
    AuthorizationChange.objects.create(
        authorization=auth,
        requested_by="principal",
        scope="import",
        valid_from=D(2026, 1, 1),
        valid_to=D(2026, 12, 31),
        principal_contact_name="x",
        principal_contact_phone="1",
        principal_contact_email="x@example.com",
        agent_contact_name="y",
        agent_contact_phone="2",
        agent_contact_email="y@example.com",
    )
    assert authorization_is_valid(agent=broker, principal=owner, direction="export", on_date=D(2026, 5, 1))
    assert not authorization_is_valid(
        agent=broker, principal=owner, direction="import", on_date=D(2026, 5, 1)
    )
    assert not authorization_is_valid(
        agent=broker, principal=owner, direction="export", on_date=D(2026, 8, 1)
    )


def test_unknown_direction_is_a_programming_error(owner, broker):
    with pytest.raises(ValueError):
        authorization_is_valid(agent=broker, principal=owner, direction="both", on_date=D(2026, 5, 1))


def test_database_refuses_an_end_not_after_the_start(owner, broker, authorization_factory):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        authorization_factory(owner, broker, valid_from=D(2026, 5, 1), valid_to=D(2026, 5, 1))


def test_a_batch_of_pairs_is_answered_in_one_query(
    owner, broker, enterprise_factory, authorization_factory, django_assert_num_queries
):
    from authorization.selectors import authorization_valid_pairs

    shop = enterprise_factory(roles=("ecommerce",))
    other_broker = enterprise_factory(roles=("broker",))
    authorization_factory(owner, broker, scope="export")
    authorization_factory(shop, broker, scope="import")
    authorization_factory(shop, other_broker, status="revoked")
    pairs = {(broker.pk, owner.pk), (broker, shop), (other_broker.pk, shop.pk), (other_broker.pk, owner.pk)}
    with django_assert_num_queries(1):
        valid = authorization_valid_pairs(pairs=pairs, direction="export", on_date=D(2026, 6, 1))
    assert valid == {(broker.pk, owner.pk)}
    for agent, principal in [(broker.pk, owner.pk), (broker.pk, shop.pk), (other_broker.pk, shop.pk)]:
        assert ((agent, principal) in valid) == authorization_is_valid(
            agent=agent, principal=principal, direction="export", on_date=D(2026, 6, 1)
        )
    assert authorization_valid_pairs(pairs=[], direction="import", on_date=D(2026, 6, 1)) == set()
