"""Duty computation, rate dates, and the duty form a released list with export-duty goods gets."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from declarations.duties import computation
from declarations.duties.models import DutyForm, DutyFormStatus, DutyRate
from declarations.duties.services import duty_due_date, duty_rates_in_force

from .conftest import DUTY_GCODE, PLAIN_GCODE


def rates(*pairs):
    return [computation.Rate(None, prefix, Decimal(rate)) for prefix, rate in pairs]


def test_longest_prefix_in_force_wins():
    table = rates(("7202", "0.10"), ("720241", "0.20"))
    assert computation.rate_for("7202410000", table).rate == Decimal("0.20")
    assert computation.rate_for("7202300000", table).rate == Decimal("0.10")
    assert computation.rate_for("8518220000", table) is None


def test_duty_is_rounded_half_up_to_the_fen_on_the_value_rounded_to_the_fen():
    # 33.3333 USD x 7.123456 = 237.448...: value 237.45; 237.45 x 15% = 35.6175 -> 35.62
    value = computation.customs_value(Decimal("33.3333"), Decimal("7.123456"))
    assert value == Decimal("237.45")
    assert computation.line_duty(value, Decimal("0.15")) == Decimal("35.62")
    # exactly half a fen rounds up, never to even: 0.125 -> 0.13
    assert computation.line_duty(Decimal("0.25"), Decimal("0.5")) == Decimal("0.13")


def test_duty_of_fifty_yuan_or_less_is_exempt():
    assert computation.is_exempt(Decimal("50.00"))
    assert not computation.is_exempt(Decimal("50.01"))


@pytest.mark.django_db
def test_rate_applies_only_within_its_effective_dates():
    DutyRate.objects.create(
        hs_prefix="2510",
        rate=Decimal("0.1"),
        effective_from=dt.date(2025, 1, 1),
        effective_to=dt.date(2025, 12, 31),
        source="t",
    )
    DutyRate.objects.create(
        hs_prefix="2510", rate=Decimal("0.05"), effective_from=dt.date(2026, 1, 1), source="t"
    )
    assert duty_rates_in_force(on_date=dt.date(2024, 12, 31)) == []
    assert [r.rate for r in duty_rates_in_force(on_date=dt.date(2025, 12, 31))] == [Decimal("0.1000")]
    assert [r.rate for r in duty_rates_in_force(on_date=dt.date(2026, 1, 1))] == [Decimal("0.0500")]


@pytest.mark.django_db
def test_overlapping_rates_for_one_code_are_refused():
    from django.core.exceptions import ValidationError

    DutyRate.objects.create(
        hs_prefix="2510", rate=Decimal("0.1"), effective_from=dt.date(2025, 1, 1), source="t"
    )
    clash = DutyRate(hs_prefix="2510", rate=Decimal("0.2"), effective_from=dt.date(2025, 6, 1), source="t")
    with pytest.raises(ValidationError):
        clash.full_clean()


@pytest.mark.django_db
def test_bill_is_due_fifteen_days_later_or_the_next_working_day():
    # issued 2026-01-01: day 15 is Friday 2026-01-16, a working day
    assert duty_due_date(issued_on=dt.date(2026, 1, 1)) == dt.date(2026, 1, 16)
    # issued 2026-01-02: day 15 is Saturday 2026-01-17 -> Monday 2026-01-19
    assert duty_due_date(issued_on=dt.date(2026, 1, 2)) == dt.date(2026, 1, 19)


@pytest.mark.django_db
def test_released_list_with_duty_goods_gets_its_form_bill_and_waiting_status(
    released_duty_list, trader_factory, exporter
):
    trader_factory(exporter)
    inventory = released_duty_list()
    form = DutyForm.objects.get(inventory=inventory)
    assert inventory.status == "released"
    assert form.status == DutyFormStatus.WAITING_FOR_PAYMENT
    lines = {line.gcode: line for line in form.lines.all()}
    assert lines[DUTY_GCODE].duty == Decimal("200.00") and lines[DUTY_GCODE].rate == Decimal("0.2")
    assert lines[PLAIN_GCODE].duty == Decimal("0.00")
    assert form.duty_total == Decimal("200.00") and form.customs_value == Decimal("1050.00")
    bill = form.bill
    assert bill.amount == Decimal("200.00")
    assert bill.issued_on == timezone.localdate()
    assert bill.due_date == duty_due_date(issued_on=bill.issued_on)
    assert bill.number.startswith("2244") and not bill.is_paid
    assert form.history.get().to_status == "waiting_for_payment"
    # the enterprise is told
    from notifications.models import Notification

    notice = Notification.objects.get(kind="tax_bill")
    assert bill.number in str(notice.title) and "200.00" in str(notice.title)


@pytest.mark.django_db
def test_foreign_currency_lines_use_the_months_rate(released_duty_list, usd_rate):
    inventory = released_duty_list(
        lines=[
            {
                "gcode": DUTY_GCODE,
                "currency": "502",
                "total_price": Decimal("33.3333"),
                "price": Decimal("33.3333"),
            },
            {"gcode": DUTY_GCODE, "currency": "502", "total_price": Decimal("400"), "price": Decimal("400")},
        ]
    )
    form = DutyForm.objects.get(inventory=inventory)
    # 237.45 x 20% = 47.49; 400 x 7.123456 = 2849.38 (2849.3824) x 20% = 569.876 -> 569.88
    assert [line.duty for line in form.lines.order_by("gnum")] == [Decimal("47.49"), Decimal("569.88")]
    assert form.bill.amount == Decimal("617.37")


@pytest.mark.django_db
def test_duty_list_without_the_months_exchange_rate_goes_red_not_released(make_declared, duty_rate, no_draw):
    from declarations.channels.services import inventory_route

    inventory = make_declared(lines=[{"gcode": DUTY_GCODE, "currency": "502"}])
    assert inventory_route(inventory=inventory) == "red"
    assert not DutyForm.objects.exists()


@pytest.mark.django_db
def test_officer_release_of_a_red_duty_list_opens_the_form_or_is_refused_without_rate(
    make_declared, duty_rate, no_draw, staff_factory
):
    from customs_portal.errors import ApplicationError
    from declarations.channels.models import ExchangeRate
    from declarations.channels.services import inventory_route, red_list_release

    officer = staff_factory("risk_officer")
    inventory = make_declared(lines=[{"gcode": DUTY_GCODE, "currency": "502", "total_price": Decimal("100")}])
    assert inventory_route(inventory=inventory) == "red"
    with pytest.raises(ApplicationError) as exc:
        red_list_release(inventory=inventory, actor=officer)
    assert exc.value.code == "no_exchange_rate"
    inventory.refresh_from_db()
    assert inventory.status == "under_review" and not DutyForm.objects.exists()
    ExchangeRate.objects.create(currency="502", month=timezone.localdate().replace(day=1), rate=Decimal("7"))
    red_list_release(inventory=inventory, actor=officer)
    assert DutyForm.objects.get(inventory=inventory).bill.amount == Decimal("140.00")


@pytest.mark.django_db
def test_small_duty_is_exempt_with_no_bill(released_duty_list):
    inventory = released_duty_list(lines=[{"gcode": DUTY_GCODE, "total_price": Decimal("250")}])
    form = DutyForm.objects.get(inventory=inventory)
    assert form.duty_total == Decimal("50.00") and form.status == DutyFormStatus.EXEMPT
    assert not hasattr(form, "bill") or form.bill is None


@pytest.mark.django_db
def test_list_without_duty_goods_gets_no_form(make_declared, duty_rate, no_draw):
    from declarations.channels.services import inventory_route

    assert inventory_route(inventory=make_declared(lines=[{"gcode": PLAIN_GCODE}])) == "green"
    assert not DutyForm.objects.exists()


@pytest.mark.django_db
def test_load_duty_rates_command_loads_the_shipped_set_idempotently():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_duty_rates", stdout=out)
    n = DutyRate.objects.count()
    assert n >= 3 and f"created {n}" in out.getvalue()
    assert all("NOT AUTHORITATIVE" in source for source in DutyRate.objects.values_list("source", flat=True))
    out = StringIO()
    call_command("load_duty_rates", stdout=out)
    assert DutyRate.objects.count() == n and f"created 0, updated {n}" in out.getvalue()


@pytest.mark.django_db
def test_load_duty_rates_refuses_a_bad_file_whole(tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "rates.csv"
    path.write_text(
        "hs_prefix,rate,effective_from,effective_to,source,description\n"
        "2510,0.1,2025-01-01,,s,ok\n"
        "25X,0.1,2025-01-01,,s,bad code\n"
    )
    with pytest.raises(CommandError):
        call_command("load_duty_rates", str(path))
    assert not DutyRate.objects.exists()
