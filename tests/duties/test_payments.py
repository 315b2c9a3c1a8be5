"""Paying a tax bill: only the provider's confirmation pays it, exactly once."""

import json
import threading
from decimal import Decimal

import pytest
from django.db import connection

from declarations.duties import services
from declarations.duties.models import (
    AttemptStatus,
    CallbackOutcome,
    DutyForm,
    PaymentAttempt,
    PaymentCallback,
    SandboxTransaction,
)
from declarations.duties.payments import SandboxProvider, sign


@pytest.fixture
def bill(released_duty_list):
    return DutyForm.objects.get(inventory=released_duty_list()).bill


def start(bill):
    url = services.tax_bill_pay_start(bill=bill, actor=None, return_url="/back/")
    tx = SandboxTransaction.objects.get(
        reference=PaymentAttempt.objects.get(bill=bill, status="pending").reference
    )
    assert url.endswith(f"/sandbox/{tx.provider_reference}/")
    return tx


def body_for(tx, **changes):
    data = json.loads(SandboxProvider.callback_body(tx))
    data.update(changes)
    return json.dumps(data).encode()


@pytest.mark.django_db
def test_sandbox_payment_marks_the_bill_and_form_paid(bill):
    tx = start(bill)
    assert tx.amount == bill.amount == Decimal("200.00")
    SandboxProvider.drive(provider_reference=tx.provider_reference, outcome="paid")
    bill.refresh_from_db()
    assert bill.is_paid and bill.provider == "sandbox" and bill.provider_reference == tx.provider_reference
    assert bill.form.status == "paid"
    assert bill.form.history.filter(to_status="paid").count() == 1
    assert PaymentCallback.objects.get().outcome == CallbackOutcome.ACCEPTED


@pytest.mark.django_db
def test_failed_payment_leaves_the_bill_unpaid_and_a_new_payment_possible(bill):
    tx = start(bill)
    SandboxProvider.drive(provider_reference=tx.provider_reference, outcome="failed")
    bill.refresh_from_db()
    assert not bill.is_paid and bill.form.status == "waiting_for_payment"
    assert PaymentAttempt.objects.get(reference=tx.reference).status == AttemptStatus.FAILED
    second = start(bill)  # a fresh attempt
    assert second.reference != tx.reference


@pytest.mark.django_db
def test_timed_out_payment_is_paid_only_when_the_requery_hears_it_from_the_provider(bill):
    import datetime as dt

    tx = start(bill)
    # nothing settled at the provider yet: asking again changes nothing
    assert services.payments_requery(older_than=dt.timedelta(0)) == {"paid": 0, "failed": 0, "waiting": 1}
    SandboxProvider.drive(provider_reference=tx.provider_reference, outcome="timeout")
    bill.refresh_from_db()
    assert not bill.is_paid  # money taken, callback lost: not paid on our side yet
    assert PaymentCallback.objects.count() == 0
    # a payment younger than the timeout is not asked about yet
    assert services.payments_requery(older_than=dt.timedelta(hours=1)) == {
        "paid": 0,
        "failed": 0,
        "waiting": 0,
    }
    from declarations.duties.tasks import requery_pending_payments_task

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.conf.settings.DUTY_PAYMENT_TIMEOUT_SECONDS", 0)
        requery_pending_payments_task.delay()
    bill.refresh_from_db()
    assert bill.is_paid and bill.paid_attempt.confirmed_by == "query"


@pytest.mark.django_db
def test_resuming_a_pending_payment_does_not_start_a_second_one(bill):
    tx = start(bill)
    services.tax_bill_pay_start(bill=bill, actor=None, return_url="/back/")
    assert PaymentAttempt.objects.filter(bill=bill).count() == 1
    assert SandboxTransaction.objects.get().pk == tx.pk


@pytest.mark.django_db
def test_replayed_callback_is_accepted_once_and_pays_once(bill):
    tx = start(bill)
    SandboxProvider.drive(provider_reference=tx.provider_reference, outcome="paid")
    tx.refresh_from_db()
    body = SandboxProvider.callback_body(tx)
    assert services.payment_callback_receive(body=body, signature=sign(body)) == CallbackOutcome.DUPLICATE
    bill.refresh_from_db()
    assert bill.form.history.filter(to_status="paid").count() == 1
    assert list(PaymentCallback.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "accepted",
        "duplicate",
    ]


@pytest.mark.django_db
def test_forged_signature_is_refused_and_logged(bill, client):
    tx = start(bill)
    body = body_for(tx, status="paid")
    outcome = services.payment_callback_receive(body=body, signature=sign(body, secret="not-the-key"))
    assert outcome == CallbackOutcome.FORGED
    response = client.post(
        "/declarations/duties/payments/callback/",
        body,
        content_type="application/json",
        headers={"X-Payment-Signature": "00" * 32},
    )
    assert response.status_code == 403 and response.json()["code"] == "forged"
    bill.refresh_from_db()
    assert not bill.is_paid
    assert list(PaymentCallback.objects.values_list("outcome", flat=True)) == ["forged", "forged"]


@pytest.mark.django_db
def test_callback_whose_amount_differs_from_the_bill_is_refused(bill, client):
    tx = start(bill)
    body = body_for(tx, status="paid", amount="2.00")
    response = client.post(
        "/declarations/duties/payments/callback/",
        body,
        content_type="application/json",
        headers={"X-Payment-Signature": sign(body)},
    )
    assert response.status_code == 400 and response.json()["code"] == "amount_mismatch"
    bill.refresh_from_db()
    assert not bill.is_paid
    assert PaymentAttempt.objects.get(reference=tx.reference).status == "pending"


@pytest.mark.django_db
def test_signed_callback_through_the_endpoint_pays_the_bill(bill, client):
    tx = start(bill)
    body = body_for(tx, status="paid")
    response = client.post(
        "/declarations/duties/payments/callback/",
        body,
        content_type="application/json",
        headers={"X-Payment-Signature": sign(body)},
    )
    assert response.status_code == 200 and response.json()["code"] == "accepted"
    bill.refresh_from_db()
    assert bill.is_paid


@pytest.mark.django_db
def test_unknown_and_malformed_callbacks_are_refused(client):
    for body, code in [
        (b'{"reference": "PAYNOPE", "status": "paid", "amount": "1.00"}', "unknown"),
        (b"not json", "malformed"),
    ]:
        response = client.post(
            "/declarations/duties/payments/callback/",
            body,
            content_type="application/json",
            headers={"X-Payment-Signature": sign(body)},
        )
        assert response.status_code == 400 and response.json()["code"] == code


@pytest.mark.django_db
def test_a_second_payment_of_a_paid_bill_is_recorded_for_refund_not_paid_twice(bill):
    first = start(bill)
    first_attempt = PaymentAttempt.objects.get(reference=first.reference)
    second_attempt = PaymentAttempt.objects.create(
        bill=bill, provider="sandbox", reference="PAYSECOND", amount=bill.amount
    )
    SandboxProvider.drive(provider_reference=first.provider_reference, outcome="paid")
    body = json.dumps(
        {"reference": "PAYSECOND", "status": "paid", "amount": "200.00", "provider_reference": "X2"}
    ).encode()
    assert services.payment_callback_receive(body=body, signature=sign(body)) == CallbackOutcome.ALREADY_PAID
    bill.refresh_from_db()
    assert bill.paid_attempt_id == first_attempt.pk
    second_attempt.refresh_from_db()
    assert second_attempt.status == "paid"
    assert bill.form.history.filter(to_status="paid").count() == 1


@pytest.mark.django_db
def test_paying_a_paid_bill_is_refused(bill):
    from customs_portal.errors import ApplicationError

    tx = start(bill)
    SandboxProvider.drive(provider_reference=tx.provider_reference, outcome="paid")
    with pytest.raises(ApplicationError) as exc:
        services.tax_bill_pay_start(bill=bill, actor=None, return_url="/")
    assert exc.value.code == "already_paid"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_callbacks_pay_the_bill_exactly_once(make_declared, duty_rate, no_draw):
    from declarations.channels.services import inventory_route

    from .conftest import DUTY_GCODE

    inventory = make_declared(lines=[{"gcode": DUTY_GCODE, "total_price": Decimal("1000")}])
    inventory_route(inventory=inventory)
    bill = DutyForm.objects.get(inventory=inventory).bill
    tx = start(bill)
    SandboxTransaction.objects.filter(pk=tx.pk).update(status="paid")
    tx.refresh_from_db()
    body = SandboxProvider.callback_body(tx)
    barrier = threading.Barrier(2)
    outcomes = []

    def deliver():
        try:
            barrier.wait(timeout=10)
            outcomes.append(services.payment_callback_receive(body=body, signature=sign(body)))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["accepted", "duplicate"]
    bill.refresh_from_db()
    assert bill.is_paid
    assert bill.form.history.filter(to_status="paid").count() == 1


@pytest.mark.django_db
def test_a_cancelled_list_voids_its_unpaid_bill_and_it_can_no_longer_be_paid(bill, staff_factory):
    from customs_portal.errors import ApplicationError
    from declarations.models import InventoryCancelRequest
    from declarations.services.cancels import inventory_cancel_decide
    from reminders.kinds import Context, tax_bill

    tx = start(bill)
    inventory = bill.form.inventory
    request = InventoryCancelRequest.objects.create(
        inventory=inventory,
        guid="g",
        app_time="20260101000000",
        cop_no=inventory.cop_no,
        invt_no=inventory.invt_no,
        reason="parcel lost",
        sender=inventory.ebc_enterprise,
    )
    inventory_cancel_decide(request=request, actor=staff_factory("reviewer"), approve=True)
    bill.refresh_from_db()
    assert bill.form.status == "void" and not bill.is_payable
    assert bill.form.history.filter(to_status="void").count() == 1
    with pytest.raises(ApplicationError) as exc:
        services.tax_bill_pay_start(bill=bill, actor=None, return_url="/")
    assert exc.value.code == "void"
    assert list(tax_bill(Context(bill.due_date))) == []
    # money the provider took for a void bill is recorded for a refund, never marks it paid
    SandboxProvider.drive(provider_reference=tx.provider_reference, outcome="paid")
    bill.refresh_from_db()
    assert not bill.is_paid and PaymentCallback.objects.get().outcome == CallbackOutcome.VOID
