"""Everything that writes duty forms, tax bills and payments.

Interface used by the channel services (declarations.channels.services):

- ``duty_inventory_ids(*, gcodes, rates)``: which of the lists (``{pk: {gcode, ...}}``) carry
  goods with export duty under ``rates`` (``duty_rates_in_force``): no query.
- ``duty_forms_open(*, inventory_ids, released_at)``: called inside the releasing transaction;
  each list with export-duty goods gets its form, lines, tax bill and history (fixed number of
  queries). Raises ApplicationError(code="no_exchange_rate") when a line's currency has no rate
  for the release month: the release is then refused (an officer) or the list goes to the red
  channel (the routing checks first).

A bill is marked paid only on the provider's confirmation: its signed callback, or its answer
when the portal asks again about a payment that timed out. Both go through ``_confirm``, which
locks the bill and the attempt: two confirmations at once pay the bill once.
"""

import datetime as dt
import json
import logging
import secrets
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customs_portal import texts
from customs_portal.errors import ApplicationError, interpolate_lazy
from customs_portal.fsm import run_transition
from customs_portal.models import SYSTEM_ACTOR
from customs_portal.workdays import CalendarYearUnknown, WorkdayCalendar

from . import computation
from .models import (
    AttemptStatus,
    CallbackOutcome,
    DutyForm,
    DutyFormHistory,
    DutyFormStatus,
    DutyLine,
    DutyRate,
    PaymentAttempt,
    PaymentCallback,
    TaxBill,
)

log = logging.getLogger(__name__)
RMB = "142"
PAYMENT_DAYS = 15  # Customs Law art. 60: pay within 15 days of the bill's issue

FORM_OPENED = texts.define(
    "duties.form_opened",
    _("Released with export-duty goods: declared on a form of its own; tax bill %(bill)s issued."),
)
FORM_EXEMPT = texts.define(
    "duties.form_exempt",
    _("Released with export-duty goods: declared on a form of its own; duty of RMB 50 or less is exempt."),
)
FORM_VOID = texts.define(
    "duties.form_void", _("Declaration list %(list)s was cancelled or rejected: the tax bill is void.")
)
FORM_PAID = texts.define("duties.form_paid", _("Tax bill %(bill)s paid (provider reference %(reference)s)."))
BILL_ISSUED = texts.define("duties.notice.bill_issued", _("Tax bill %(bill)s: export duty RMB %(amount)s"))
BILL_ISSUED_BODY = texts.define(
    "duties.notice.bill_issued.body",
    _(
        "Declaration list %(list)s carries goods with export duty. Its duty form is waiting for "
        "payment: RMB %(amount)s, due by %(due)s."
    ),
)
BILL_ISSUED_ACTION = texts.define(
    "duties.notice.bill_issued.action", _("Pay the tax bill online before the due date.")
)


# --- rates -----------------------------------------------------------------------------------
def duty_rates_in_force(*, on_date: dt.date) -> list[computation.Rate]:
    """The rate table's entries in force on ``on_date`` (one small query)."""
    rows = DutyRate.objects.filter(effective_from__lte=on_date).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on_date)
    )
    return [
        computation.Rate(pk, prefix, rate) for pk, prefix, rate in rows.values_list("pk", "hs_prefix", "rate")
    ]


def duty_inventory_ids(*, gcodes: dict[int, set[str]], rates: list[computation.Rate]) -> set[int]:
    """The lists among ``gcodes`` with at least one goods line under a positive duty rate."""
    if not rates:
        return set()
    return {
        pk
        for pk, codes in gcodes.items()
        if any((r := computation.rate_for(code, rates)) is not None and r.rate > 0 for code in codes)
    }


def _local_date(moment) -> dt.date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def _no_rate(currency: str, month: dt.date) -> ApplicationError:
    return ApplicationError(
        "no_exchange_rate",
        interpolate_lazy(
            _("No exchange rate for currency %(currency)s in %(month)s: customs must enter it first."),
            {"currency": currency, "month": f"{month:%Y-%m}"},
        ),
        extra={"currency": currency, "month": f"{month:%Y-%m}"},
    )


def duty_due_date(*, issued_on: dt.date, calendar: WorkdayCalendar | None = None) -> dt.date | None:
    """15 days after issue; a due day that is a rest day or holiday moves to the next working day
    (official calendar). None when the year's calendar is not known (never guessed)."""
    try:
        return (calendar or WorkdayCalendar()).first_workday_on_or_after(
            issued_on + dt.timedelta(days=PAYMENT_DAYS)
        )
    except CalendarYearUnknown:
        return None


def bill_number(*, port_code: str, issued_on: dt.date, form_pk: int) -> str:
    return f"{port_code}{issued_on:%Y%m%d}{form_pk:010d}"


# --- forms at release ------------------------------------------------------------------------
def duty_forms_open(*, inventory_ids, released_at=None) -> list[DutyForm]:
    """Open the duty form, lines and tax bill of each released list with export-duty goods.

    Lists without such goods (or with a form already) are left alone. Fixed number of queries.
    """
    from declarations.channels.services import exchange_rates_load
    from declarations.models import Inventory, InventoryLine

    released_at = released_at or timezone.now()
    on_date = _local_date(released_at)
    month = on_date.replace(day=1)
    rates = duty_rates_in_force(on_date=on_date)
    ids = set(inventory_ids)
    if not rates or not ids:
        return []
    ids -= set(DutyForm.objects.filter(inventory_id__in=ids).values_list("inventory_id", flat=True))
    lines = list(
        InventoryLine.objects.filter(inventory_id__in=ids)
        .order_by("inventory_id", "gnum")
        .values("inventory_id", "gnum", "gcode", "gname", "currency", "total_price")
    )
    gcodes = defaultdict(set)
    for line in lines:
        gcodes[line["inventory_id"]].add(line["gcode"])
    duty_ids = duty_inventory_ids(gcodes=gcodes, rates=rates)
    if not duty_ids:
        return []
    lines = [line for line in lines if line["inventory_id"] in duty_ids]
    fx = exchange_rates_load(currencies={line["currency"] for line in lines}, dates=[on_date])
    per_list: dict[int, list[DutyLine]] = defaultdict(list)
    for line in lines:
        currency = line["currency"]
        exchange = Decimal(1) if currency == RMB else fx.get((currency, month))
        if exchange is None:
            raise _no_rate(currency, month)
        rate = computation.rate_for(line["gcode"], rates)
        value = computation.customs_value(line["total_price"], exchange)
        per_list[line["inventory_id"]].append(
            DutyLine(
                gnum=line["gnum"],
                gcode=line["gcode"],
                gname=line["gname"],
                currency=currency,
                total_price=line["total_price"],
                exchange_rate=exchange,
                customs_value=value,
                rate=rate.rate if rate else Decimal(0),
                duty_rate_id=rate.pk if rate else None,
                duty=computation.line_duty(value, rate.rate) if rate else Decimal("0.00"),
            )
        )
    inventories = {
        row["pk"]: row
        for row in Inventory.objects.filter(pk__in=duty_ids).values(
            "pk", "ebc_enterprise_id", "port_code", "invt_no", "cop_no"
        )
    }
    forms = []
    for pk in sorted(duty_ids):
        duty_lines = per_list[pk]
        total = sum((d.duty for d in duty_lines), Decimal("0.00"))
        forms.append(
            DutyForm(
                inventory_id=pk,
                enterprise_id=inventories[pk]["ebc_enterprise_id"],
                released_at=released_at,
                rate_month=month,
                customs_value=sum((d.customs_value for d in duty_lines), Decimal("0.00")),
                duty_total=total,
                status=DutyFormStatus.EXEMPT
                if computation.is_exempt(total)
                else DutyFormStatus.WAITING_FOR_PAYMENT,
            )
        )
    forms = DutyForm.objects.bulk_create(forms)
    for form in forms:
        for d in per_list[form.inventory_id]:
            d.form = form
    DutyLine.objects.bulk_create([d for form in forms for d in per_list[form.inventory_id]])
    due = duty_due_date(issued_on=on_date)
    bills = TaxBill.objects.bulk_create(
        TaxBill(
            form=form,
            number=bill_number(
                port_code=inventories[form.inventory_id]["port_code"], issued_on=on_date, form_pk=form.pk
            ),
            amount=form.duty_total,
            issued_on=on_date,
            due_date=due,
        )
        for form in forms
        if form.status == DutyFormStatus.WAITING_FOR_PAYMENT
    )
    bill_of = {bill.form_id: bill for bill in bills}
    DutyFormHistory.objects.bulk_create(
        DutyFormHistory(
            form=form,
            actor_label=SYSTEM_ACTOR,
            from_status="",
            to_status=form.status,
            reason=texts.stored(FORM_OPENED, bill=bill_of[form.pk].number)
            if form.pk in bill_of
            else texts.stored(FORM_EXEMPT),
        )
        for form in forms
    )
    _notify_bills(forms, bill_of, inventories)
    return forms


def _notify_bills(forms, bill_of, inventories) -> None:
    from notifications.services import notification_create

    by_enterprise = defaultdict(list)
    for form in forms:
        if form.pk in bill_of:
            by_enterprise[form.enterprise_id].append(form)
    if not by_enterprise:
        return
    from registration.models import Enterprise

    enterprises = Enterprise.objects.in_bulk(list(by_enterprise))
    for enterprise_id, enterprise_forms in by_enterprise.items():  # one notice per bill, per enterprise
        for form in enterprise_forms:
            bill = bill_of[form.pk]
            inv = inventories[form.inventory_id]
            notification_create(
                kind="tax_bill",
                enterprise=enterprises[enterprise_id],
                title=texts.stored(BILL_ISSUED, bill=bill.number, amount=f"{bill.amount:.2f}"),
                body=texts.stored(
                    BILL_ISSUED_BODY,
                    list=inv["invt_no"] or inv["cop_no"],
                    amount=f"{bill.amount:.2f}",
                    due=bill.due_date.isoformat() if bill.due_date else "—",
                ),
                action=texts.stored(BILL_ISSUED_ACTION),
                link=reverse("duties:form_detail", args=[form.pk]),
            )


def duty_form_void_for_inventory(*, inventory, actor=None) -> DutyForm | None:
    """The list was cancelled or rejected: its unpaid (or exempt) duty form is void. A paid
    form stays paid (a refund is customs' own procedure). Runs in the caller's transaction."""
    form = DutyForm.objects.filter(inventory_id=inventory.pk).first()
    if form is None or form.status not in (DutyFormStatus.WAITING_FOR_PAYMENT, DutyFormStatus.EXEMPT):
        return form
    return run_transition(
        instance=form,
        transition="void",
        history_model=DutyFormHistory,
        actor=actor,
        actor_label="" if getattr(actor, "pk", None) else SYSTEM_ACTOR,
        reason=texts.stored(FORM_VOID, list=inventory.invt_no or inventory.cop_no),
    )


# --- payment ---------------------------------------------------------------------------------
def payment_provider():
    from django.utils.module_loading import import_string

    return import_string(settings.DUTY_PAYMENT_PROVIDER)()


def tax_bill_pay_start(*, bill: TaxBill, actor, return_url: str) -> str:
    """Start paying ``bill``: the address to send the payer to (the provider's checkout).

    A payment still waiting for the provider's answer is resumed, not doubled.
    """
    provider = payment_provider()
    with transaction.atomic():
        locked = TaxBill.objects.select_for_update().get(pk=bill.pk)
        if locked.is_paid:
            raise ApplicationError("already_paid", _("This tax bill is already paid."))
        if not locked.is_payable:
            raise ApplicationError(
                "void", _("This tax bill is void: its declaration list was cancelled or rejected.")
            )
        pending = locked.attempts.filter(status=AttemptStatus.PENDING, provider=provider.name).first()
        if pending is not None:
            return provider.resume(attempt=pending, return_url=return_url)
        attempt = PaymentAttempt.objects.create(
            bill=locked,
            provider=provider.name,
            reference=f"PAY{secrets.token_hex(12).upper()}",
            amount=locked.amount,
            started_by=actor if isinstance(actor, get_user_model()) else None,  # API keys are no users
        )
        return provider.start(attempt=attempt, return_url=return_url)


def _confirm(*, attempt_pk: int, provider_reference: str, via: str) -> str:
    """Mark the attempt paid and, if the bill is not paid yet, the bill and its form: once."""
    with transaction.atomic():
        attempt = PaymentAttempt.objects.only("bill_id").get(pk=attempt_pk)
        bill = TaxBill.objects.select_for_update().get(pk=attempt.bill_id)  # bill first, always
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt_pk)
        if attempt.status == AttemptStatus.PAID:
            return CallbackOutcome.DUPLICATE
        now = timezone.now()
        attempt.status = AttemptStatus.PAID
        attempt.provider_reference = provider_reference[:100]
        attempt.confirmed_at, attempt.confirmed_by = now, via
        attempt.save(update_fields=["status", "provider_reference", "confirmed_at", "confirmed_by"])
        if bill.is_paid:
            # the money was taken twice: customs refunds it; the bill stays paid by the first
            log.warning("tax bill %s paid again by %s: refund needed", bill.number, attempt.reference)
            return CallbackOutcome.ALREADY_PAID
        if bill.form.status != DutyFormStatus.WAITING_FOR_PAYMENT:
            log.warning("void tax bill %s paid by %s: refund needed", bill.number, attempt.reference)
            return CallbackOutcome.VOID
        bill.paid_at = now
        bill.provider, bill.provider_reference, bill.paid_attempt = (
            attempt.provider,
            attempt.provider_reference,
            attempt,
        )
        bill.save(update_fields=["paid_at", "provider", "provider_reference", "paid_attempt"])
        run_transition(
            instance=DutyForm(pk=bill.form_id),
            transition="pay",
            history_model=DutyFormHistory,
            actor_label=SYSTEM_ACTOR,
            reason=texts.stored(FORM_PAID, bill=bill.number, reference=attempt.provider_reference),
        )
        return CallbackOutcome.ACCEPTED


def _fail(*, attempt_pk: int, via: str = "callback") -> str:
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt_pk)
        if attempt.status != AttemptStatus.PENDING:
            return CallbackOutcome.DUPLICATE
        attempt.status = AttemptStatus.FAILED
        attempt.confirmed_at, attempt.confirmed_by = timezone.now(), via
        attempt.save(update_fields=["status", "confirmed_at", "confirmed_by"])
        return CallbackOutcome.FAILED


def _log_callback(*, reference: str, outcome: str, remote_addr: str, body: bytes) -> None:
    PaymentCallback.objects.create(
        reference=str(reference)[:64],
        outcome=outcome,
        remote_addr=remote_addr[:64],
        body=body[:4000].decode("utf-8", "replace"),
    )
    if outcome in REFUSED:
        log.warning("payment callback refused (%s) for %r from %s", outcome, reference, remote_addr)


REFUSED = {
    CallbackOutcome.FORGED,
    CallbackOutcome.AMOUNT_MISMATCH,
    CallbackOutcome.UNKNOWN,
    CallbackOutcome.MALFORMED,
}


def payment_callback_receive(*, body: bytes, signature: str, remote_addr: str = "") -> str:
    """The provider's notification: signed (HMAC), idempotent; every callback is logged.

    Body (JSON): reference, status ("paid" | "failed"), amount (CNY, 2 decimals),
    provider_reference. Returns the outcome (CallbackOutcome); refused ones are in REFUSED.
    """
    provider = payment_provider()
    reference = ""
    try:
        data = json.loads(body.decode("utf-8"))
        reference = str(data.get("reference", "")) if isinstance(data, dict) else ""
    except (UnicodeDecodeError, ValueError):
        data = None
    if not provider.verify(body=body, signature=signature or ""):
        outcome = CallbackOutcome.FORGED
    elif not isinstance(data, dict) or data.get("status") not in ("paid", "failed"):
        outcome = CallbackOutcome.MALFORMED
    else:
        outcome = _apply_callback(data)
    _log_callback(reference=reference, outcome=outcome, remote_addr=remote_addr, body=body)
    return outcome


def _apply_callback(data: dict) -> str:
    attempt = PaymentAttempt.objects.filter(reference=str(data.get("reference", ""))).first()
    if attempt is None:
        return CallbackOutcome.UNKNOWN
    try:
        amount = Decimal(str(data.get("amount")))
    except (InvalidOperation, ValueError):
        return CallbackOutcome.MALFORMED
    if amount != attempt.amount:
        return CallbackOutcome.AMOUNT_MISMATCH
    if data["status"] == "failed":
        return _fail(attempt_pk=attempt.pk)
    return _confirm(
        attempt_pk=attempt.pk, provider_reference=str(data.get("provider_reference", "")), via="callback"
    )


def payments_requery(*, older_than: dt.timedelta | None = None, limit: int = 100) -> dict[str, int]:
    """Ask the provider again about payments it never confirmed (timed out): the task's work.

    Only the provider's answer pays a bill: "paid" with the bill's amount confirms it, "failed"
    ends the attempt, anything else leaves it waiting for the next round.
    """
    provider = payment_provider()
    older_than = (
        older_than if older_than is not None else dt.timedelta(seconds=settings.DUTY_PAYMENT_TIMEOUT_SECONDS)
    )
    cutoff = timezone.now() - older_than
    pending = list(
        PaymentAttempt.objects.filter(
            status=AttemptStatus.PENDING, provider=provider.name, created_at__lte=cutoff
        ).order_by("queried_at", "created_at")[:limit]
    )
    counts = {"paid": 0, "failed": 0, "waiting": 0}
    for attempt in pending:  # one call to the provider per payment: it has no batch query
        result = provider.query(reference=attempt.reference)
        if result.status == "paid" and result.amount == attempt.amount:
            _confirm(attempt_pk=attempt.pk, provider_reference=result.provider_reference, via="query")
            counts["paid"] += 1
        elif result.status == "failed":
            _fail(attempt_pk=attempt.pk, via="query")
            counts["failed"] += 1
        else:
            if result.status == "paid":
                log.warning(
                    "provider reports %s paid with %s, bill says %s",
                    attempt.reference,
                    result.amount,
                    attempt.amount,
                )
            PaymentAttempt.objects.filter(pk=attempt.pk).update(
                queried_at=timezone.now(), queries=attempt.queries + 1
            )
            counts["waiting"] += 1
    return counts
