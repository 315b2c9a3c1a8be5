"""Trader pages: what each party can do, and that nobody else can see or change anything."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from authorization import services
from authorization.models import Authorization, AuthorizationChange, AuthorizationPreference

pytestmark = pytest.mark.django_db

D = dt.date
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def monday(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: D(2026, 6, 1))


def client_for(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


@pytest.fixture
def owner_client(owner_user):
    return client_for(owner_user)


@pytest.fixture
def broker_client(broker_user):
    return client_for(broker_user)


@pytest.fixture
def stranger(enterprise_factory):
    # Every role a party could have: still not a party to the others' authorization.
    return enterprise_factory(roles=("owner", "ecommerce", "broker"), name="Stranger Co 外人有限公司")


@pytest.fixture
def stranger_client(trader_factory, stranger):
    return client_for(trader_factory(stranger))


def fetch(auth):
    return Authorization.objects.get(pk=auth.pk)


def url(name, auth=None):
    return reverse(f"authorization:{name}", args=[auth.pk] if auth is not None else [])


def create_and_send(client, data, **kwargs):
    """Fill in a new authorization, then send it from the check page: that last response."""
    answered = client.post(url("create"), data)
    assert answered.status_code == 302 and answered["Location"] == url("create_check"), (
        answered.context and answered.context["form"].errors
    )
    state = client.get(url("create_check")).context["state"]
    return client.post(url("create_check"), {"state": state}, **kwargs)


def create_data(broker, **overrides):
    data = {
        "as_party": "principal",
        "counterparty_code": broker.customs_code,
        "scope": "export",
        "valid_from": "2026-07-01",
        "valid_to": "2027-06-30",
        "contact_name": "Ms Li",
        "contact_phone": "13900000000",
        "contact_email": "li@example.com",
    }
    data.update(overrides)
    return data


# --- who may open what ----------------------------------------------------------------------
DETAIL_PAGES = ["detail", "confirm", "revoke", "change", "supplement"]
POST_ONLY = ["renewal"]


@pytest.mark.parametrize("name", DETAIL_PAGES + ["poa"])
def test_another_enterprise_gets_not_found_on_every_page(
    name, owner, broker, stranger_client, authorization_factory
):
    auth = authorization_factory(owner, broker, status="approved", power_of_attorney="p.pdf")
    assert stranger_client.get(url(name, auth)).status_code == 404


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("revoke", {"reason": "mine now"}),
        ("renewal", {"auto_renew": "on"}),
        ("change", {"scope": "import"}),
        ("confirm", {"contact_name": "x", "contact_phone": "1", "contact_email": "x@example.com"}),
        ("supplement", {"note": "x"}),
    ],
)
def test_another_enterprise_cannot_change_anything(
    name, data, owner, broker, stranger_client, authorization_factory
):
    auth = authorization_factory(owner, broker, status="approved", power_of_attorney="p.pdf")
    before = fetch(auth)
    assert stranger_client.post(url(name, auth), data).status_code == 404
    after = fetch(auth)
    assert (after.status, after.auto_renew, after.scope) == (before.status, before.auto_renew, before.scope)
    assert not after.history.exists() and not AuthorizationChange.objects.exists()


@pytest.mark.parametrize("name", DETAIL_PAGES + POST_ONLY + ["poa"])
def test_anonymous_is_sent_to_sign_in(name, client, owner, broker, authorization_factory):
    auth = authorization_factory(owner, broker, status="approved", power_of_attorney="p.pdf")
    response = client.post(url(name, auth)) if name in POST_ONLY else client.get(url(name, auth))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert fetch(auth).status == "approved"


@pytest.mark.parametrize("name", ["list", "create", "import", "preferences"])
def test_anonymous_is_sent_to_sign_in_from_the_enterprise_pages(name, client):
    response = client.get(url(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_staff_without_an_enterprise_is_refused(client, reviewer, owner, broker, authorization_factory):
    auth = authorization_factory(owner, broker, status="approved")
    client.force_login(reviewer)
    assert client.get(url("list")).status_code == 403
    assert client.get(url("detail", auth)).status_code == 403


def test_an_enterprise_customs_has_not_approved_only_finishes_registration(
    enterprise_factory, trader_factory
):
    pending = enterprise_factory(roles=("owner",), approved=False)
    response = client_for(trader_factory(pending)).get(url("list"))
    assert response.status_code == 302 and response["Location"] == reverse("registration:status")


def test_an_enterprise_without_a_party_role_cannot_start_one(enterprise_factory, trader_factory, broker):
    logistics = enterprise_factory(roles=("logistics",))
    c = client_for(trader_factory(logistics))
    assert 'data-testid="new-authorization"' not in c.get(url("list")).content.decode()
    assert c.get(url("create")).status_code == 403
    assert c.post(url("create"), create_data(broker)).status_code == 403
    assert not Authorization.objects.exists()


def test_only_brokers_import(owner_client):
    assert owner_client.get(url("import")).status_code == 403
    assert owner_client.post(url("import"), {"token": "x"}).status_code == 403


def test_only_the_enterprise_administrator_changes_the_settings(trader_factory, broker):
    operator = client_for(trader_factory(broker, admin=False))
    assert operator.get(url("preferences")).status_code == 200
    assert operator.post(url("preferences"), {"auto_confirm_partners": "on"}).status_code == 403
    assert not AuthorizationPreference.objects.exists()


def test_settings_switch_automatic_confirmation_on(broker_client, broker):
    response = broker_client.post(url("preferences"), {"auto_confirm_partners": "on"})
    assert response.status_code == 302
    assert AuthorizationPreference.objects.get(enterprise=broker).auto_confirm_partners is True


# --- the list -------------------------------------------------------------------------------
def test_list_shows_only_own_authorizations_with_filters_and_search(
    owner, broker, owner_client, stranger, enterprise_factory, authorization_factory
):
    other_broker = enterprise_factory(roles=("broker",), name="Second Broker 第二报关行")
    mine = authorization_factory(owner, broker, status="approved", valid_to=D(2026, 6, 20))
    second = authorization_factory(owner, other_broker, status="under_review", valid_to=D(2027, 1, 31))
    theirs = authorization_factory(stranger, broker, status="approved")

    def numbers(**params):
        response = owner_client.get(url("list"), params)
        assert response.status_code == 200
        return {a.number for a in response.context["page_obj"]}

    assert numbers() == {mine.number, second.number}
    assert theirs.number not in owner_client.get(url("list")).content.decode()
    assert numbers(status="under_review") == {second.number}
    assert numbers(counterparty=other_broker.pk) == {second.number}
    assert numbers(counterparty=stranger.pk) == {mine.number, second.number}  # not a counterparty: ignored
    assert numbers(q="第二报关行") == {second.number}
    assert numbers(q=second.number) == {second.number}


def test_list_expiring_within_counts_from_today(
    owner, broker, owner_client, authorization_factory, monkeypatch
):
    from django.utils import timezone

    import authorization.selectors as selectors_module

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2026, 6, 1))
    soon = authorization_factory(owner, broker, status="approved", valid_to=D(2026, 6, 20))
    authorization_factory(owner, broker, status="approved", valid_to=D(2026, 12, 31))
    response = owner_client.get(url("list"), {"expiring_within": "30"})
    assert [a.pk for a in response.context["page_obj"]] == [soon.pk]
    assert selectors_module  # the selector reads timezone.localdate(), patched above


def test_list_refuses_a_bad_filter_with_a_message(owner_client):
    response = owner_client.get(url("list"), {"expiring_within": "-4", "status": "nonsense"})
    assert response.status_code == 200
    form = response.context["filters"]
    assert "expiring_within" in form.errors and "status" in form.errors


# --- starting, confirming, reviewing, revoking --------------------------------------------
def test_owner_requests_in_the_browser(owner, broker, owner_client, broker_user, pdf_upload):
    response = create_and_send(
        owner_client,
        {
            **create_data(broker),
            "power_of_attorney": pdf_upload(),
            "documents": [pdf_upload("licence.pdf"), pdf_upload("contract.pdf")],
        },
    )
    auth = Authorization.objects.get()
    assert sorted(str(d) for d in auth.documents.all()) == ["contract.pdf", "licence.pdf"]
    assert response.status_code == 302 and response["Location"] == url("detail", auth)
    assert auth.status == "awaiting_confirmation" and auth.initiated_by == "principal"
    assert auth.principal_contact_name == "Ms Li" and auth.agent_contact_name == broker.contact_name
    assert broker_user.notifications.filter(kind="authorization").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"valid_to": "2026-07-01"}, "valid_to"),
        ({"valid_to": "2026-06-30"}, "valid_to"),
        ({"counterparty_code": "3199999999"}, "counterparty_code"),
        ({"scope": "everything"}, "scope"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"valid_from": "2026-02-30"}, "valid_from"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(overrides, field, broker, owner_client, pdf_upload):
    response = owner_client.post(
        url("create"), {**create_data(broker, **overrides), "power_of_attorney": pdf_upload()}
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Authorization.objects.exists()


def test_the_power_of_attorney_is_sniffed_not_trusted_by_name(broker, owner_client, pdf_upload):
    fake = pdf_upload("poa.pdf", b"MZ\x90\x00 this is an executable")
    response = owner_client.post(url("create"), {**create_data(broker), "power_of_attorney": fake})
    assert response.status_code == 400 and "power_of_attorney" in response.context["form"].errors
    assert not Authorization.objects.exists()


def test_an_owner_cannot_name_another_owner_as_its_agent(owner_client, stranger, enterprise_factory):
    other_owner = enterprise_factory(roles=("owner",))
    response = owner_client.post(url("create"), create_data(other_owner))
    assert response.status_code == 400 and "counterparty_code" in response.context["form"].errors


def test_broker_confirms_and_sees_the_due_date(
    owner, broker, owner_user, broker_client, owner_client, pdf_upload
):
    auth = services.authorization_create(
        enterprise=owner, as_party="principal", counterparty=broker, scope="export",
        valid_from=D(2026, 7, 1), valid_to=D(2027, 6, 30), power_of_attorney=pdf_upload(), actor=owner_user,
    )  # fmt: skip
    # the initiator has nothing to confirm
    assert 'data-testid="confirm"' not in owner_client.get(url("detail", auth)).content.decode()
    response = owner_client.post(
        url("confirm", auth), {"contact_name": "a", "contact_phone": "1", "contact_email": "a@example.com"}
    )
    assert response.status_code == 400 and fetch(auth).status == "awaiting_confirmation"

    page = broker_client.get(url("detail", auth)).content.decode()
    assert 'data-testid="confirm"' in page
    response = broker_client.post(
        url("confirm", auth),
        {
            "contact_name": "Mr Wang",
            "contact_phone": "13700000000",
            "contact_email": "wang@example.com",
            "documents": [pdf_upload("broker-licence.pdf")],
        },
    )
    assert response.status_code == 302
    auth = fetch(auth)
    assert auth.status == "under_review" and auth.agent_contact_name == "Mr Wang"
    assert auth.documents.get().uploaded_by_party == "agent"
    page = owner_client.get(url("detail", auth)).content.decode()
    assert "2026-06-04" in page and 'data-testid="review-due"' in page


def test_a_request_without_the_power_of_attorney_leaves_it_to_the_confirming_party(
    owner, broker, owner_client, broker_client, pdf_upload
):
    assert create_and_send(owner_client, create_data(broker)).status_code == 302
    auth = Authorization.objects.get()
    assert not auth.power_of_attorney and auth.status == "awaiting_confirmation"
    contact = {"contact_name": "a", "contact_phone": "1", "contact_email": "a@example.com"}
    assert broker_client.post(url("confirm", auth), contact).status_code == 400
    response = broker_client.post(url("confirm", auth), {**contact, "power_of_attorney": pdf_upload()})
    assert response.status_code == 302 and fetch(auth).status == "under_review"


def test_confirming_without_a_power_of_attorney_asks_for_it(
    owner, broker, broker_client, authorization_factory
):
    auth = authorization_factory(owner, broker, status="awaiting_confirmation")
    response = broker_client.post(
        url("confirm", auth), {"contact_name": "a", "contact_phone": "1", "contact_email": "a@example.com"}
    )
    assert response.status_code == 400 and "power_of_attorney" in response.context["form"].errors
    assert fetch(auth).status == "awaiting_confirmation"


def test_revoke_needs_a_reason_and_then_both_see_it(
    owner, broker, owner_client, broker_client, authorization_factory
):
    auth = authorization_factory(owner, broker, status="approved")
    assert owner_client.post(url("revoke", auth), {"reason": ""}).status_code == 400
    assert fetch(auth).status == "approved"
    assert owner_client.post(url("revoke", auth), {"reason": "Contract ended"}).status_code == 302
    assert fetch(auth).status == "revoked"
    for c in (owner_client, broker_client):
        page = c.get(url("detail", auth)).content.decode()
        assert "Contract ended" in page


def test_second_party_acting_on_a_stale_page_is_told(
    owner, broker, owner_client, broker_client, authorization_factory
):
    auth = authorization_factory(owner, broker, status="approved")
    assert owner_client.post(url("revoke", auth), {"reason": "ended by owner"}).status_code == 302
    response = broker_client.post(url("revoke", auth), {"reason": "ended by broker"})
    assert response.status_code == 400
    assert "not possible any more" in response.content.decode()
    assert fetch(auth).history.count() == 1


def test_change_request_from_the_page_keeps_the_old_terms(
    owner, broker, broker_client, owner_client, authorization_factory
):
    auth = authorization_factory(owner, broker, status="approved", scope="export")
    form = broker_client.get(url("change", auth)).context["form"]
    data = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in form.initial.items()}
    data.update(scope="both", note="Imports too")
    response = broker_client.post(url("change", auth), data)
    assert response.status_code == 302
    assert fetch(auth).scope == "export"
    change = AuthorizationChange.objects.get()
    assert change.scope == "both" and change.requested_by == "agent"
    page = owner_client.get(url("detail", auth)).content.decode()
    assert "Change awaiting customs review" in page
    # a second request while one is pending is refused with a message
    response = broker_client.post(url("change", auth), {**data, "scope": "import"})
    assert response.status_code == 400 and AuthorizationChange.objects.count() == 1


def test_the_requester_withdraws_its_change_from_the_page(
    owner, broker, owner_client, broker_client, authorization_factory
):
    auth = authorization_factory(owner, broker, status="approved", scope="export")
    change = services.authorization_request_change(
        authorization=auth, enterprise=owner, terms={"scope": "both"}, today=D(2026, 6, 1)
    )
    withdraw = reverse("authorization:change_withdraw", args=[auth.pk])
    assert 'data-testid="withdraw-change"' in owner_client.get(url("detail", auth)).content.decode()
    assert 'data-testid="withdraw-change"' not in broker_client.get(url("detail", auth)).content.decode()
    response = broker_client.post(withdraw, follow=True)
    assert "Only the party that asked" in response.content.decode()
    assert AuthorizationChange.objects.get(pk=change.pk).status == "pending"
    owner_client.post(withdraw)
    assert AuthorizationChange.objects.get(pk=change.pk).status == "withdrawn"


def test_stranger_and_anonymous_cannot_withdraw_a_change(
    owner, broker, stranger_client, client, authorization_factory
):
    auth = authorization_factory(owner, broker, status="approved", scope="export")
    change = services.authorization_request_change(
        authorization=auth, enterprise=owner, terms={"scope": "both"}, today=D(2026, 6, 1)
    )
    withdraw = reverse("authorization:change_withdraw", args=[auth.pk])
    assert stranger_client.post(withdraw).status_code == 404
    assert client.post(withdraw).status_code == 302
    assert AuthorizationChange.objects.get(pk=change.pk).status == "pending"


def test_change_page_refuses_an_end_before_the_start(owner, broker, broker_client, authorization_factory):
    auth = authorization_factory(owner, broker, status="approved")
    form = broker_client.get(url("change", auth)).context["form"]
    data = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in form.initial.items()}
    data.update(valid_from="2026-09-01", valid_to="2026-08-01")
    assert broker_client.post(url("change", auth), data).status_code == 400
    assert not AuthorizationChange.objects.exists()


def test_supplement_answered_from_the_page(
    owner, broker, owner_client, authorization_factory, reviewer, pdf_upload
):
    auth = authorization_factory(owner, broker, status="under_review", power_of_attorney="p.pdf")
    services.authorization_request_supplement(authorization=auth, actor=reviewer, reason="Stamp missing")
    page = owner_client.get(url("supplement", auth))
    assert "Stamp missing" in page.content.decode()
    assert owner_client.post(url("supplement", auth), {"note": "nothing attached"}).status_code == 400
    assert fetch(auth).status == "supplement_requested"
    response = owner_client.post(
        url("supplement", auth), {"documents": [pdf_upload("stamp.pdf")], "note": "ok"}
    )
    assert response.status_code == 302
    auth = fetch(auth)
    assert auth.status == "under_review" and auth.documents.count() == 1
    doc = auth.documents.get()
    assert owner_client.get(reverse("authorization:document", args=[auth.pk, doc.pk])).status_code == 200


def test_renewal_switched_from_the_page(owner, broker, broker_client, authorization_factory):
    auth = authorization_factory(owner, broker, status="approved", auto_renew=True)
    assert broker_client.post(url("renewal", auth), {"auto_renew": "off"}).status_code == 302
    assert fetch(auth).auto_renew is False
    # on a file that is not approved: told, nothing changes
    pending = authorization_factory(owner, broker, status="under_review")
    response = broker_client.post(url("renewal", pending), {"auto_renew": "on"}, follow=True)
    assert "not possible any more" in response.content.decode()
    assert fetch(pending).auto_renew is False


def test_party_details_outdated_is_shown_to_both(
    owner, broker, owner_client, broker_client, authorization_factory
):
    from registration.signals import enterprise_name_changed

    auth = authorization_factory(owner, broker, status="approved")
    old = owner.name
    owner.name = "Renamed Owner 新名称"
    owner.save()
    enterprise_name_changed.send(sender=type(owner), enterprise=owner, old_name=old, actor=None)
    for c in (owner_client, broker_client):
        assert 'data-testid="outdated"' in c.get(url("detail", auth)).content.decode()
        assert "party details need updating" in c.get(url("list")).content.decode()


# --- documents ------------------------------------------------------------------------------
def test_documents_are_served_to_the_parties_and_verified_reviewers_only(
    owner, broker, owner_client, broker_client, owner_user, pdf_upload, reviewer, otp_client_factory, client
):
    auth = services.authorization_create(
        enterprise=owner, as_party="principal", counterparty=broker, scope="export",
        valid_from=D(2026, 7, 1), valid_to=D(2027, 6, 30), power_of_attorney=pdf_upload(), actor=owner_user,
    )  # fmt: skip
    for c in (owner_client, broker_client, otp_client_factory(reviewer)):
        response = c.get(url("poa", auth))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(reviewer)  # no second factor
    assert client.get(url("poa", auth)).status_code == 403


def test_supplementary_and_change_documents_are_only_for_the_parties(
    owner, broker, owner_client, broker_client, stranger_client, client, authorization_factory, pdf_upload
):
    auth = authorization_factory(owner, broker, status="approved", scope="export")
    change = services.authorization_request_change(
        authorization=auth,
        enterprise=owner,
        terms={"scope": "both"},
        power_of_attorney=pdf_upload("new-poa.pdf"),
        documents=[pdf_upload("annex.pdf")],
        today=D(2026, 6, 1),
    )
    doc = auth.documents.get()
    urls = [
        reverse("authorization:document", args=[auth.pk, doc.pk]),
        reverse("authorization:change_poa", args=[auth.pk, change.pk]),
    ]
    for address in urls:
        for c in (owner_client, broker_client):
            assert c.get(address).status_code == 200
        assert stranger_client.get(address).status_code == 404
        response = client.get(address)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    # a document id of another authorization is not found through this one
    other = authorization_factory(owner, broker, status="approved")
    assert owner_client.get(reverse("authorization:document", args=[other.pk, doc.pk])).status_code == 404


def test_a_document_stored_under_an_html_name_is_never_served_as_html(
    owner, broker, owner_client, owner_user, pdf_upload
):
    """Files stored before uploads were renamed keep their names: the type comes from the content."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    auth = services.authorization_create(
        enterprise=owner, as_party="principal", counterparty=broker, scope="export",
        valid_from=D(2026, 7, 1), valid_to=D(2027, 6, 30), power_of_attorney=pdf_upload(), actor=owner_user,
    )  # fmt: skip
    name = default_storage.save("authorizations/legacy/pwn.html", ContentFile(b"<script>alert(1)</script>"))
    Authorization = type(auth)
    Authorization.objects.filter(pk=auth.pk).update(power_of_attorney=name)
    response = owner_client.get(url("poa", auth))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_new_overlapping_authorization_is_created_with_a_warning_naming_the_others(
    owner, broker, owner_client, pdf_upload, authorization_factory, enterprise_factory
):
    first = authorization_factory(
        owner, broker, scope="export", valid_from=D(2026, 6, 1), valid_to=D(2027, 5, 31)
    )
    second = authorization_factory(
        owner, broker, scope="both", valid_from=D(2026, 9, 1), valid_to=D(2027, 8, 31)
    )
    authorization_factory(owner, broker, scope="import", valid_from=D(2026, 7, 1), valid_to=D(2027, 6, 30))
    authorization_factory(owner, broker, scope="export", status="revoked")
    authorization_factory(owner, enterprise_factory(roles=("broker",)), scope="export")
    response = create_and_send(
        owner_client, {**create_data(broker), "power_of_attorney": pdf_upload()}, follow=True
    )
    assert response.status_code == 200 and Authorization.objects.count() == 6  # created all the same
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and f"{first}, {second}" in warnings[0], warnings
    assert "overlaps" in response.content.decode()


def test_a_first_authorization_between_two_parties_gets_no_overlap_warning(
    owner, broker, owner_client, pdf_upload
):
    response = create_and_send(
        owner_client, {**create_data(broker), "power_of_attorney": pdf_upload()}, follow=True
    )
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]


def test_revoke_looks_destructive_and_asks_before_it_acts(owner, broker, owner_client, authorization_factory):
    from pathlib import Path

    auth = authorization_factory(owner, broker, status="approved")
    detail = owner_client.get(url("detail", auth)).content.decode()
    link = re.search(r'<a class="([^"]*)" href="[^"]*/revoke/" data-testid="revoke">', detail)
    assert link and "danger" in link.group(1).split()
    css = (Path(__file__).resolve().parents[2] / "static/css/portal.css").read_text()
    assert re.search(r"(^|,\s*)\.button\.danger\s*[,{][^}]*background:var\(--danger\)", css, re.M)
    page = owner_client.get(url("revoke", auth))  # the confirmation page: nothing revoked yet
    html = page.content.decode()
    assert page.status_code == 200 and fetch(auth).status == "approved"
    assert re.search(r'<button type="submit" class="danger" data-testid="submit">', html)
    assert "ends the authorization at once" in html


# --- the check page before sending ------------------------------------------------------------
def test_nothing_is_sent_before_the_check_page_which_shows_what_will_be_sent(
    broker, owner_client, pdf_upload
):
    response = owner_client.post(
        url("create"), {**create_data(broker), "power_of_attorney": pdf_upload("my-poa.pdf")}
    )
    assert response.status_code == 302 and not Authorization.objects.exists()
    html = owner_client.get(url("create_check"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="check-power_of_attorney">my-poa.pdf<' in html
    assert broker.name in html and "2027-06-30" in html and "Ms Li" in html
    form = html.split(f'action="{url("create_check")}"')[1]
    assert form.index('data-testid="declaration-text"') < form.index('data-testid="confirm-submit"')


def test_a_stale_check_page_is_refused(broker, owner_client):
    owner_client.post(url("create"), create_data(broker))
    old = owner_client.get(url("create_check")).context["state"]
    owner_client.post(url("create"), create_data(broker, valid_to="2027-05-31"))
    response = owner_client.post(url("create_check"), {"state": old})
    assert response.status_code == 302 and response["Location"] == url("create_check")
    assert not Authorization.objects.exists()
    fresh = owner_client.get(url("create_check")).context["state"]
    owner_client.post(url("create_check"), {"state": fresh})
    assert str(Authorization.objects.get().valid_to) == "2027-05-31"


def test_a_failed_submission_keeps_the_power_of_attorney(broker, owner_client, pdf_upload):
    html = owner_client.post(
        url("create"),
        {**create_data(broker, contact_email="nope"), "power_of_attorney": pdf_upload("kept.pdf")},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert 'data-testid="kept-power_of_attorney"' in html and "kept.pdf" in html
    owner_client.post(url("create"), create_data(broker))  # corrected, the file not chosen again
    state = owner_client.get(url("create_check")).context["state"]
    owner_client.post(url("create_check"), {"state": state})
    assert Authorization.objects.get().power_of_attorney


def test_the_check_page_is_the_enterprises_own(broker, owner, owner_client, client, trader_factory):
    owner_client.post(url("create"), create_data(broker))
    assert owner_client.get(url("create_check")).status_code == 200
    client.force_login(trader_factory(broker))
    assert client.get(url("create_check"))["Location"] == url("create")  # nothing pending for it
    assert client.post(url("create_check"), {"state": "x"}).status_code == 302
    assert not Authorization.objects.exists()
    client.logout()
    assert client.get(url("create_check")).status_code == 302  # anonymous: to sign in
