"""The authorization's life: every move allowed and refused, at the service level."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from authorization import services
from authorization.models import Authorization, AuthorizationHistory, AuthorizationPreference
from customs_portal import texts
from customs_portal.errors import ApplicationError
from notifications.models import Notification

pytestmark = pytest.mark.django_db

D = dt.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="poa.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def monday(monkeypatch):
    """Every review starts on Monday 2026-06-01 unless a test says otherwise."""
    monkeypatch.setattr(services, "_today", lambda: D(2026, 6, 1))


def create(owner, broker, owner_user, **kwargs):
    data = {
        "enterprise": owner,
        "as_party": "principal",
        "counterparty": broker,
        "scope": "export",
        "valid_from": D(2026, 6, 1),
        "valid_to": D(2027, 5, 31),
        "power_of_attorney": pdf(),
        "actor": owner_user,
        "today": D(2026, 6, 1),
    }
    data.update(kwargs)
    return services.authorization_create(**data)


def events(authorization):
    return list(authorization.history.order_by("id").values_list("event", "from_status", "to_status"))


def test_owner_requests_broker_confirms_customs_approves(owner, broker, owner_user, broker_user, reviewer):
    auth = create(owner, broker, owner_user)
    assert auth.status == "awaiting_confirmation"
    assert auth.number.startswith("WT2026")
    assert auth.principal_name == owner.name and auth.agent_uscc == broker.uscc
    assert Notification.objects.filter(user=broker_user, kind="authorization").exists()

    auth = services.authorization_confirm(authorization=auth, enterprise=broker, actor=broker_user)
    assert auth.status == "under_review"
    assert auth.review_due_date == D(2026, 6, 4)  # Monday + 3 working days

    auth = services.authorization_approve(authorization=auth, actor=reviewer)
    assert auth.status == "approved"
    assert auth.term_days == 365
    assert events(auth) == [
        ("created", "", "draft"),
        ("submit", "draft", "awaiting_confirmation"),
        ("confirm", "awaiting_confirmation", "under_review"),
        ("approve", "under_review", "approved"),
    ]
    entry = auth.history.get(event="approve")
    assert entry.actor == reviewer and entry.at is not None


def test_broker_can_start_and_the_owner_confirms(owner, broker, owner_user, broker_user):
    auth = create(broker, owner, broker_user, enterprise=broker, as_party="agent", counterparty=owner)
    assert auth.principal == owner and auth.agent == broker and auth.initiated_by == "agent"
    with pytest.raises(ApplicationError) as exc:
        services.authorization_confirm(authorization=auth, enterprise=broker, actor=broker_user)
    assert exc.value.code == "not_confirming_party"
    auth = services.authorization_confirm(authorization=auth, enterprise=owner, actor=owner_user)
    assert auth.status == "under_review"


def test_initiator_cannot_confirm_its_own_request(owner, broker, owner_user):
    auth = create(owner, broker, owner_user)
    with pytest.raises(ApplicationError):
        services.authorization_confirm(authorization=auth, enterprise=owner, actor=owner_user)
    auth = Authorization.objects.get(pk=auth.pk)
    assert auth.status == "awaiting_confirmation"


@pytest.mark.parametrize(
    ("principal_roles", "agent_roles", "code"),
    [
        (("logistics",), ("broker",), "principal_not_eligible"),
        (("owner",), ("owner",), "agent_not_eligible"),
        (("ecommerce",), ("payment",), "agent_not_eligible"),
    ],
)
def test_parties_need_the_right_roles(enterprise_factory, principal_roles, agent_roles, code):
    principal = enterprise_factory(roles=principal_roles)
    agent = enterprise_factory(roles=agent_roles)
    with pytest.raises(ApplicationError) as exc:
        create(principal, agent, None, enterprise=principal, counterparty=agent, power_of_attorney=None)
    assert exc.value.code == code
    assert Authorization.objects.count() == 0


def test_ecommerce_enterprise_may_be_the_principal(enterprise_factory, broker):
    shop = enterprise_factory(roles=("ecommerce",))
    assert create(shop, broker, None, enterprise=shop).status == "awaiting_confirmation"


def test_parties_must_be_approved_by_customs(enterprise_factory, broker):
    pending = enterprise_factory(roles=("owner",), approved=False)
    with pytest.raises(ApplicationError) as exc:
        create(pending, broker, None, enterprise=pending)
    assert exc.value.code == "principal_not_eligible"


def test_end_must_be_after_start(owner, broker, owner_user):
    with pytest.raises(ApplicationError) as exc:
        create(owner, broker, owner_user, valid_from=D(2026, 7, 1), valid_to=D(2026, 7, 1))
    assert exc.value.code == "bad_period"
    assert Authorization.objects.count() == 0


def test_automatic_confirmation_for_existing_partners_only(
    owner, broker, owner_user, enterprise_factory, authorization_factory
):
    AuthorizationPreference.objects.create(enterprise=broker, auto_confirm_partners=True)
    stranger = enterprise_factory(roles=("owner",))
    assert create(stranger, broker, None, enterprise=stranger).status == "awaiting_confirmation"

    authorization_factory(owner, broker, status="approved", scope="import")
    auth = create(owner, broker, owner_user)
    assert auth.status == "under_review"
    assert [e[0] for e in events(auth)] == ["created", "submit", "auto_confirm"]
    assert auth.review_due_date == D(2026, 6, 4)


def test_supplement_requested_then_answered_goes_back_to_review(
    owner, broker, owner_user, authorization_factory, reviewer, monkeypatch
):
    auth = authorization_factory(owner, broker, status="under_review", power_of_attorney="x.pdf")
    with pytest.raises(ApplicationError):
        services.authorization_request_supplement(authorization=auth, actor=reviewer, reason="  ")
    auth = services.authorization_request_supplement(
        authorization=auth, actor=reviewer, reason="Stamp missing on page 2"
    )
    assert auth.status == "supplement_requested" and auth.review_due_date is None
    with pytest.raises(ApplicationError) as exc:
        services.authorization_resubmit(authorization=auth, enterprise=owner, actor=owner_user, documents=[])
    assert exc.value.code == "documents_required"
    monkeypatch.setattr(services, "_today", lambda: D(2026, 6, 5))  # Friday
    auth = services.authorization_resubmit(
        authorization=auth, enterprise=owner, actor=owner_user, documents=[pdf("stamp.pdf")], note="stamped"
    )
    assert auth.status == "under_review"
    assert auth.review_due_date == D(2026, 6, 10)  # Mon 8, Tue 9, Wed 10
    assert auth.documents.count() == 1
    assert [e[0] for e in events(auth)] == ["request_supplement", "resubmit"]


def test_reject_needs_a_reason(owner, broker, authorization_factory, reviewer):
    auth = authorization_factory(owner, broker, status="under_review")
    with pytest.raises(ApplicationError):
        services.authorization_reject(authorization=auth, actor=reviewer, reason="")
    auth = services.authorization_reject(authorization=auth, actor=reviewer, reason="Not signed")
    assert auth.status == "rejected"
    assert auth.history.get().reason == "Not signed"


def test_approval_needs_the_power_of_attorney(owner, broker, authorization_factory, reviewer):
    auth = authorization_factory(owner, broker, status="under_review")
    with pytest.raises(ApplicationError) as exc:
        services.authorization_approve(authorization=auth, actor=reviewer)
    assert exc.value.code == "power_of_attorney_missing"
    auth = Authorization.objects.get(pk=auth.pk)
    assert auth.status == "under_review" and not auth.history.exists()


def test_either_party_revokes_with_a_reason(owner, broker, owner_user, broker_user, authorization_factory):
    for enterprise, user in ((owner, owner_user), (broker, broker_user)):
        auth = authorization_factory(owner, broker, status="approved")
        with pytest.raises(ApplicationError):
            services.authorization_revoke(authorization=auth, enterprise=enterprise, actor=user, reason="")
        auth = services.authorization_revoke(
            authorization=auth, enterprise=enterprise, actor=user, reason="Contract ended"
        )
        assert auth.status == "revoked"
        assert auth.history.get().reason == "Contract ended"


def test_a_stranger_cannot_revoke(owner, broker, enterprise_factory, authorization_factory):
    stranger = enterprise_factory(roles=("owner",))
    auth = authorization_factory(owner, broker, status="approved")
    with pytest.raises(ApplicationError):
        services.authorization_revoke(authorization=auth, enterprise=stranger, reason="mine now")
    auth = Authorization.objects.get(pk=auth.pk)
    assert auth.status == "approved"


REFUSED = {
    # transition name -> statuses from which it is refused
    "submit": [
        "awaiting_confirmation",
        "under_review",
        "supplement_requested",
        "approved",
        "rejected",
        "revoked",
        "expired",
    ],
    "confirm": [
        "draft",
        "under_review",
        "supplement_requested",
        "approved",
        "rejected",
        "revoked",
        "expired",
    ],
    "approve": [
        "draft",
        "awaiting_confirmation",
        "supplement_requested",
        "approved",
        "rejected",
        "revoked",
        "expired",
    ],
    "reject": [
        "draft",
        "awaiting_confirmation",
        "supplement_requested",
        "approved",
        "rejected",
        "revoked",
        "expired",
    ],
    "request_supplement": [
        "draft",
        "awaiting_confirmation",
        "supplement_requested",
        "approved",
        "rejected",
        "revoked",
        "expired",
    ],
    "resubmit": [
        "draft",
        "awaiting_confirmation",
        "under_review",
        "approved",
        "rejected",
        "revoked",
        "expired",
    ],
    "revoke": [
        "draft",
        "awaiting_confirmation",
        "under_review",
        "supplement_requested",
        "rejected",
        "revoked",
        "expired",
    ],
    "renewal": [
        "draft",
        "awaiting_confirmation",
        "under_review",
        "supplement_requested",
        "rejected",
        "revoked",
        "expired",
    ],
    "change": [
        "draft",
        "awaiting_confirmation",
        "under_review",
        "supplement_requested",
        "rejected",
        "revoked",
        "expired",
    ],
}


def _call(name, auth, owner, broker, owner_user, reviewer):
    if name == "submit":
        return services.authorization_submit(authorization=auth, enterprise=owner, actor=owner_user)
    if name == "confirm":
        return services.authorization_confirm(authorization=auth, enterprise=broker, power_of_attorney=pdf())
    if name == "approve":
        return services.authorization_approve(authorization=auth, actor=reviewer)
    if name == "reject":
        return services.authorization_reject(authorization=auth, actor=reviewer, reason="r")
    if name == "request_supplement":
        return services.authorization_request_supplement(authorization=auth, actor=reviewer, reason="r")
    if name == "resubmit":
        return services.authorization_resubmit(authorization=auth, enterprise=owner, documents=[pdf()])
    if name == "revoke":
        return services.authorization_revoke(authorization=auth, enterprise=owner, reason="r")
    if name == "renewal":
        return services.authorization_set_renewal(authorization=auth, enterprise=owner, auto_renew=True)
    if name == "change":
        return services.authorization_request_change(
            authorization=auth, enterprise=owner, terms={"scope": "import"}, today=D(2026, 6, 1)
        )
    raise AssertionError(name)


@pytest.mark.parametrize(("name", "status"), [(n, s) for n, ss in REFUSED.items() for s in ss])
def test_refused_moves_change_nothing(
    name, status, owner, broker, owner_user, reviewer, authorization_factory
):
    auth = authorization_factory(owner, broker, status=status, power_of_attorney="poa.pdf")
    with pytest.raises(ApplicationError):
        _call(name, auth, owner, broker, owner_user, reviewer)
    auth = Authorization.objects.get(pk=auth.pk)
    assert auth.status == status
    assert not AuthorizationHistory.objects.filter(authorization=auth).exists()
    assert not auth.changes.exists()


def test_renewal_switched_off_and_on_by_either_party(
    owner, broker, owner_user, broker_user, authorization_factory
):
    auth = authorization_factory(owner, broker, status="approved", auto_renew=True)
    auth = services.authorization_set_renewal(
        authorization=auth, enterprise=broker, actor=broker_user, auto_renew=False
    )
    assert auth.auto_renew is False
    with pytest.raises(ApplicationError):
        services.authorization_set_renewal(authorization=auth, enterprise=owner, auto_renew=False)
    auth = services.authorization_set_renewal(
        authorization=auth, enterprise=owner, actor=owner_user, auto_renew=True
    )
    assert auth.auto_renew is True
    assert [e[0] for e in events(auth)] == ["renewal_off", "renewal_on"]


def test_party_renamed_marks_approved_authorizations(owner, broker, authorization_factory):
    from registration.signals import enterprise_name_changed

    approved = authorization_factory(owner, broker, status="approved")
    pending = authorization_factory(owner, broker, status="under_review")
    old = owner.name
    owner.name = "Renamed Goods Co 新名称有限公司"
    owner.save()
    enterprise_name_changed.send(sender=type(owner), enterprise=owner, old_name=old, actor=None)
    approved = Authorization.objects.get(pk=approved.pk)
    pending = Authorization.objects.get(pk=pending.pk)
    assert approved.party_details_outdated is True
    assert pending.party_details_outdated is False
    entry = approved.history.get(event="party_renamed")
    note = texts.render(entry.reason, "en")
    assert old in note and "Renamed Goods Co" in note


def test_an_authorization_whose_period_is_over_is_neither_confirmed_nor_approved(
    owner, broker, broker_user, authorization_factory, reviewer
):
    waiting = authorization_factory(
        owner, broker, status="awaiting_confirmation", valid_to=D(2026, 5, 31), power_of_attorney="p.pdf"
    )
    with pytest.raises(ApplicationError) as exc:
        services.authorization_confirm(authorization=waiting, enterprise=broker, actor=broker_user)
    assert exc.value.code == "period_over"
    reviewing = authorization_factory(
        owner, broker, status="under_review", valid_to=D(2026, 5, 31), power_of_attorney="p.pdf"
    )
    with pytest.raises(ApplicationError) as exc:
        services.authorization_approve(authorization=reviewing, actor=reviewer)
    assert exc.value.code == "period_over"
    assert Authorization.objects.get(pk=reviewing.pk).status == "under_review"
    assert not AuthorizationHistory.objects.exists()
