"""A company-name change does not stop clearance: the enterprise stays approved under its
current name while customs reviews the request (its API keys, its users and the lists of others
that name it keep working); approval switches the name and licence and keeps the old licence
readable by customs; a refusal leaves everything as it was, with the reason shown."""

import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from customs_portal import texts
from customs_portal.errors import ApplicationError
from declarations.intake import intake_entries
from registration import review, services
from registration.models import Enterprise, EnterpriseStatus, NameChange, NameChangeHistory
from tests.declarations.parcels import make_cast, parcel
from tests.registration.test_signup import EXE, PDF, pdf

pytestmark = pytest.mark.django_db

NEW_NAME = "上海新名称贸易有限公司"
OLD_PDF = PDF.replace(b"Catalog", b"Catalog /Old")
NEW_PDF = PDF.replace(b"Catalog", b"Catalog /New")


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def with_licence(enterprise, content=OLD_PDF):
    enterprise.licence_file.save("licence.pdf", pdf(content=content), save=True)
    return fresh(enterprise)


def request_change(enterprise, actor, new_name=NEW_NAME, content=NEW_PDF) -> NameChange:
    return services.enterprise_name_change_request(
        enterprise=enterprise, actor=actor, new_name=new_name, licence_file=pdf(content=content)
    )


def served(response) -> bytes:
    return b"".join(response.streaming_content)


def review_url(change):
    return reverse("admin:registration_namechange_review", args=[change.pk])


def document_url(change, kind):
    return reverse("admin:registration_namechange_document", args=[change.pk, kind])


# --- while the change is reviewed ---------------------------------------------------------------
def test_a_pending_name_change_keeps_the_enterprise_approved_and_its_api_key_working(
    enterprise, trader, trader_client, api_client_for
):
    old_name = enterprise.name
    change = request_change(enterprise, trader)
    enterprise = fresh(enterprise)
    assert enterprise.status == EnterpriseStatus.APPROVED and enterprise.name == old_name
    assert (change.status, change.old_name, change.new_name) == ("pending", old_name, NEW_NAME)
    assert change.history.get().to_status == "pending"
    # the platform's key still speaks for it, its users still reach the portal's pages
    assert api_client_for(enterprise).get("/api/v1/inventories/").status_code == 200
    assert trader_client.get(reverse("authorization:list")).status_code == 200
    assert trader_client.get(reverse("registration:profile")).status_code == 200


def test_lists_naming_an_enterprise_are_accepted_while_its_name_change_is_reviewed(
    enterprise_factory, trader_factory
):
    cast = make_cast(enterprise_factory)
    # the platform (named in every list of its merchants) and the declaring merchant both rename
    request_change(cast.platform, trader_factory(cast.platform), new_name="平台新名称有限公司")
    request_change(cast.ebc, trader_factory(cast.ebc), new_name="商户新名称有限公司")
    p = parcel(cast)
    [receipt] = intake_entries(kind="inventory", entries=[p["inventory"]], sender=cast.ebc).receipts
    assert receipt.status == "accepted", receipt.info
    assert not receipt.info.startswith("2001")


def test_the_enterprise_sees_its_pending_change_on_its_profile(trader_client, enterprise, trader):
    request_change(enterprise, trader)
    body = trader_client.get(reverse("registration:profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Name change pending: {enterprise.name} → {NEW_NAME}" in body
    body = trader_client.get(reverse("registration:profile"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"更名审核中：{enterprise.name} → {NEW_NAME}" in body
    # the new licence it sent is readable by its own users
    response = trader_client.get(reverse("registration:document", args=["new-licence"]))
    assert served(response) == NEW_PDF


def test_partners_see_the_pending_change_on_their_authorization_pages(
    client, enterprise_factory, trader_factory, trader_client, enterprise, trader
):
    from authorization.models import Authorization

    broker = enterprise_factory(roles=("broker",))
    stranger = enterprise_factory(roles=("broker",))
    authorization = Authorization(
        principal=enterprise, agent=broker, principal_name=enterprise.name, principal_uscc=enterprise.uscc,
        principal_contact_name="a", principal_contact_phone="1", principal_contact_email="a@example.com",
        agent_name=broker.name, agent_uscc=broker.uscc, agent_contact_name="b", agent_contact_phone="2",
        agent_contact_email="b@example.com", scope="both", valid_from="2026-01-01", valid_to="2027-12-31",
        initiated_by="principal", number="WTL7700001",
    )  # fmt: skip
    authorization.__dict__["status"] = "approved"
    authorization.save()
    request_change(enterprise, trader)
    notice = f"Name change pending: {enterprise.name} → {NEW_NAME}"
    for party_client in (trader_client, _signed_in(client, trader_factory(broker))):
        for url in (reverse("authorization:list"), reverse("authorization:detail", args=[authorization.pk])):
            body = party_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
            assert notice in body, url
    outsider = _signed_in(client, trader_factory(stranger))
    assert NEW_NAME not in outsider.get(reverse("authorization:list")).content.decode()
    assert outsider.get(reverse("authorization:detail", args=[authorization.pk])).status_code == 404


def _signed_in(client, user):
    from django.test import Client

    other = Client()
    other.force_login(user)
    return other


# --- one at a time, and what a request needs ---------------------------------------------------
def test_one_pending_change_at_a_time(enterprise, trader):
    request_change(enterprise, trader)
    with pytest.raises(ApplicationError) as err:
        request_change(enterprise, trader, new_name="又一个名字有限公司")
    assert err.value.code == "name_change_pending"
    assert NameChange.objects.filter(enterprise=enterprise).count() == 1


def test_the_name_change_page_shows_the_pending_change_instead_of_the_form(trader_client, enterprise):
    response = trader_client.post(
        reverse("registration:name_change"), {"new_name": "杭州新名字有限公司", "licence_file": pdf()}
    )
    assert response.status_code == 302 and response.url == reverse("registration:profile")
    assert fresh(enterprise).status == EnterpriseStatus.APPROVED
    body = trader_client.get(reverse("registration:name_change"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "杭州新名字有限公司" in body and 'name="licence_file"' not in body
    again = trader_client.post(
        reverse("registration:name_change"), {"new_name": "再一个名字有限公司", "licence_file": pdf()}
    )
    assert again.status_code == 200
    assert NameChange.objects.filter(enterprise=enterprise).count() == 1


@pytest.mark.parametrize(
    "new_name,upload,code",
    [
        ("", "pdf", "name_required"),
        ("same", "pdf", "same_name"),
        ("New name", None, "document_required"),
        ("New name", "exe", "invalid_document"),
    ],
)
def test_a_name_change_needs_a_new_name_and_a_real_scan(enterprise, trader, new_name, upload, code):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = {"pdf": pdf(), "exe": SimpleUploadedFile("l.pdf", EXE), None: None}
    with pytest.raises(ApplicationError) as exc:
        services.enterprise_name_change_request(
            enterprise=enterprise,
            actor=trader,
            new_name=enterprise.name if new_name == "same" else new_name,
            licence_file=files[upload],
        )
    assert exc.value.code == code
    assert not NameChange.objects.exists()


def test_only_the_administrator_of_an_approved_enterprise_requests_a_change(
    enterprise, trader_factory, enterprise_factory
):
    operator = trader_factory(enterprise, admin=False)
    with pytest.raises(ApplicationError) as err:
        request_change(enterprise, operator)
    assert err.value.code == "not_admin"
    applicant = enterprise_factory(approved=False)
    with pytest.raises(ApplicationError) as err:
        request_change(applicant, trader_factory(applicant))
    assert err.value.code == "not_approved"


# --- approval -----------------------------------------------------------------------------------
def test_approval_switches_the_name_and_keeps_the_old_licence_readable_by_staff(
    enterprise,
    trader,
    reviewer,
    reviewer_client,
    trader_client,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from notifications.models import Notification

    enterprise = with_licence(enterprise)
    old_name, old_licence = enterprise.name, enterprise.licence_file.name
    change = request_change(enterprise, trader)
    page = reviewer_client.get(review_url(change), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<iframe src="{document_url(change, "current")}"' in page
    assert f'<iframe src="{document_url(change, "new")}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(review_url(change), {"decision": "approve", "reason": ""})
    assert response.status_code == 302

    enterprise = fresh(enterprise)
    assert enterprise.name == NEW_NAME and enterprise.status == EnterpriseStatus.APPROVED
    assert enterprise.licence_file.name == change.licence_file.name != old_licence
    change = fresh(change)
    assert (change.status, change.reviewer, change.previous_licence_file.name) == (
        "approved",
        reviewer,
        old_licence,
    )
    entry = enterprise.history.order_by("-id").first()
    note = texts.render(entry.reason, "en")
    assert old_name in note and NEW_NAME in note and entry.actor == reviewer
    # customs still reads the licence it replaced; the review page shows both
    assert served(reviewer_client.get(document_url(change, "previous"))) == OLD_PDF
    assert served(reviewer_client.get(document_url(change, "new"))) == NEW_PDF
    page = reviewer_client.get(review_url(change)).content.decode()
    assert f'<iframe src="{document_url(change, "previous")}"' in page
    enterprise_page = reviewer_client.get(
        reverse("admin:registration_enterprise_review", args=[enterprise.pk])
    ).content.decode()
    assert document_url(change, "previous") in enterprise_page
    # the enterprise is told, and its pages show the new name
    assert Notification.objects.filter(user=trader, link=reverse("registration:profile")).exists()
    assert any(NEW_NAME in m.body for m in mailoutbox)
    assert NEW_NAME in trader_client.get(reverse("registration:profile")).content.decode()


def test_approval_flags_the_authorizations_that_name_the_enterprise(
    enterprise, trader, reviewer, enterprise_factory
):
    from authorization.models import Authorization

    broker = enterprise_factory(roles=("broker",))
    authorization = Authorization(
        principal=enterprise, agent=broker, principal_name=enterprise.name, principal_uscc=enterprise.uscc,
        principal_contact_name="a", principal_contact_phone="1", principal_contact_email="a@example.com",
        agent_name=broker.name, agent_uscc=broker.uscc, agent_contact_name="b", agent_contact_phone="2",
        agent_contact_email="b@example.com", scope="both", valid_from="2026-01-01", valid_to="2027-12-31",
        initiated_by="principal", number="WTL7700002",
    )  # fmt: skip
    authorization.__dict__["status"] = "approved"
    authorization.save()
    change = request_change(enterprise, trader)
    assert not fresh(authorization).party_details_outdated  # nothing changes while pending
    review.name_change_approve(name_change=change, reviewer=reviewer)
    assert fresh(authorization).party_details_outdated


# --- refusal ------------------------------------------------------------------------------------
def test_rejection_leaves_everything_as_it_was_and_shows_the_reason(
    enterprise, trader, reviewer_client, trader_client, django_capture_on_commit_callbacks, mailoutbox
):
    from notifications.models import Notification

    enterprise = with_licence(enterprise)
    before = {f: getattr(enterprise, f) for f in ("name", "status", "customs_code", "licence_file")}
    change = request_change(enterprise, trader)
    missing = reviewer_client.post(review_url(change), {"decision": "reject", "reason": ""})
    assert missing.status_code == 200 and "reason" in missing.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        reviewer_client.post(review_url(change), {"decision": "reject", "reason": "营业执照上的名称不一致"})
    enterprise = fresh(enterprise)
    assert {f: getattr(enterprise, f) for f in before} == before
    change = fresh(change)
    assert (change.status, change.decision_reason) == ("rejected", "营业执照上的名称不一致")
    assert [h.to_status for h in NameChangeHistory.objects.filter(name_change=change)] == [
        "pending",
        "rejected",
    ]
    body = trader_client.get(reverse("registration:profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "营业执照上的名称不一致" in body and "Name change pending" not in body
    assert Notification.objects.filter(user=trader).exists() and mailoutbox
    # a new request may follow a refused one
    request_change(enterprise, trader, new_name="第二次新名称有限公司")


# --- two reviewers at once ----------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_a_name_change_at_once_one_wins(
    enterprise_factory, trader_factory, staff_factory
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    enterprise = enterprise_factory()
    change = request_change(enterprise, trader_factory(enterprise))
    reviewers = [staff_factory("reviewer"), staff_factory("reviewer")]
    start = threading.Barrier(2)
    outcomes: list = []

    def decide(reviewer, approve):
        from django.db import connections

        try:
            start.wait()
            if approve:
                review.name_change_approve(name_change=change, reviewer=reviewer)
            else:
                review.name_change_reject(name_change=change, reviewer=reviewer, reason="不一致")
            outcomes.append("ok")
        except ApplicationError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(reviewers[0], True)),
        threading.Thread(target=decide, args=(reviewers[1], False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert sorted(outcomes) == ["invalid_transition", "ok"]
    assert NameChangeHistory.objects.filter(name_change=change).count() == 2  # requested + one decision
    change = fresh(change)
    assert fresh(enterprise).name == (NEW_NAME if change.status == "approved" else enterprise.name)


def test_the_second_reviewer_is_told_the_change_was_decided(
    enterprise, trader, staff_factory, otp_client_factory
):
    change = request_change(enterprise, trader)
    first, second = (otp_client_factory(staff_factory("reviewer")) for _ in range(2))
    assert first.post(review_url(change), {"decision": "approve"}).status_code == 302
    response = second.post(
        review_url(change), {"decision": "reject", "reason": "x"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "not possible any more" in response.content.decode()
    assert fresh(change).status == "approved" and fresh(enterprise).name == NEW_NAME


# --- who may see and decide ---------------------------------------------------------------------
@pytest.mark.parametrize("role", ["ops", "risk_officer"])
def test_staff_without_the_name_change_permission_get_403(
    enterprise, trader, staff_factory, otp_client_factory, role
):
    change = request_change(enterprise, trader)
    staff = otp_client_factory(staff_factory(role))
    for url in (
        reverse("admin:registration_namechange_queue"),
        review_url(change),
        document_url(change, "new"),
        document_url(change, "current"),
    ):
        assert staff.get(url).status_code == 403, url
    assert staff.post(review_url(change), {"decision": "approve"}).status_code == 403
    assert fresh(change).status == "pending"


def test_the_reviewer_queue_lists_pending_changes_oldest_first(
    enterprise_factory, trader_factory, reviewer_client
):
    changes = []
    for name in ("First Rename Co", "Second Rename Co"):
        renaming = enterprise_factory()
        changes.append(request_change(renaming, trader_factory(renaming), new_name=name))
    body = reviewer_client.get(reverse("admin:registration_namechange_queue")).content.decode()
    assert body.index("First Rename Co") < body.index("Second Rename Co")
    assert review_url(changes[0]) in body
    # reached from the registration review queue
    registrations = reviewer_client.get(reverse("admin:registration_enterprise_queue")).content.decode()
    assert reverse("admin:registration_namechange_queue") in registrations


def test_traders_and_unverified_staff_never_reach_the_name_change_screens(
    enterprise, trader, trader_client, client, staff_factory
):
    change = request_change(enterprise, trader)
    unverified = _signed_in(client, staff_factory("reviewer"))  # signed in without the second factor
    for who in (trader_client, unverified):
        for url in (
            reverse("admin:registration_namechange_queue"),
            review_url(change),
            document_url(change, "new"),
        ):
            response = who.get(url)
            assert response.status_code == 302 and "/login/" in response.url, url


def test_another_enterprise_never_reads_a_pending_change(
    client, enterprise, trader, other_enterprise, trader_factory
):
    request_change(enterprise, trader)
    outsider = _signed_in(client, trader_factory(other_enterprise))
    assert outsider.get(reverse("registration:document", args=["new-licence"])).status_code == 404
    for name in ("profile", "name_change"):
        assert NEW_NAME not in outsider.get(reverse(f"registration:{name}")).content.decode()
    operator = _signed_in(client, trader_factory(enterprise, admin=False))
    assert operator.get(reverse("registration:name_change")).status_code == 404
    assert operator.post(reverse("registration:name_change"), {"new_name": "x"}).status_code == 404
    assert Enterprise.objects.get(pk=enterprise.pk).name != NEW_NAME
