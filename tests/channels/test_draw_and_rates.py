"""The random inspection draw, the inspection rate, and the monthly exchange-rate table."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from customs_portal.errors import ApplicationError
from declarations.channels import services
from declarations.channels.models import ExchangeRate, InspectionSetting


# --- the draw --------------------------------------------------------------------------------
def test_the_draw_is_reproducible_from_the_inventory_number_and_the_secret():
    first = services.inspection_draw(invt_no="22442026E000000001", secret="s3cret")
    assert first == services.inspection_draw(invt_no="22442026E000000001", secret="s3cret")
    assert 0 <= first < 1


def test_the_draw_depends_on_the_secret_so_traders_cannot_predict_it():
    numbers = [f"22442026E{n:09d}" for n in range(200)]
    with_a = [services.inspection_drawn(invt_no=n, rate=Decimal("0.5"), secret="a") for n in numbers]
    with_b = [services.inspection_drawn(invt_no=n, rate=Decimal("0.5"), secret="b") for n in numbers]
    assert with_a != with_b


def test_the_draw_uses_the_configured_secret_by_default(settings):
    settings.INSPECTION_SECRET = "configured"
    assert services.inspection_draw(invt_no="X") == services.inspection_draw(invt_no="X", secret="configured")


@pytest.mark.parametrize("rate", ["0.05", "0.2", "0.5"])
def test_over_many_lists_the_share_drawn_matches_the_rate(rate):
    n = 20_000
    rate = Decimal(rate)
    drawn = sum(
        services.inspection_drawn(invt_no=f"22442026E{i:09d}", rate=rate, secret="stats") for i in range(n)
    )
    # binomial standard deviation sqrt(n p (1-p)); allow four of them
    sigma = (n * float(rate) * (1 - float(rate))) ** 0.5
    assert abs(drawn - n * float(rate)) < 4 * sigma


def test_rate_zero_draws_nothing_and_rate_one_draws_everything():
    numbers = [f"N{i}" for i in range(500)]
    assert not any(services.inspection_drawn(invt_no=n, rate=Decimal(0), secret="x") for n in numbers)
    assert all(services.inspection_drawn(invt_no=n, rate=Decimal(1), secret="x") for n in numbers)


# --- the rate --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_default_inspection_rate_is_five_percent():
    assert services.inspection_rate_current() == Decimal("0.05")


@pytest.mark.django_db
def test_the_latest_rate_is_in_force_and_earlier_ones_are_kept():
    services.inspection_rate_set(rate="0.1")
    services.inspection_rate_set(rate="0.02")
    assert services.inspection_rate_current() == Decimal("0.02")
    assert InspectionSetting.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["-0.1", "1.5", "abc", "0.00001", "NaN"])
def test_a_rate_outside_zero_to_one_is_refused(bad):
    with pytest.raises(ApplicationError):
        services.inspection_rate_set(rate=bad)
    assert not InspectionSetting.objects.exists()


@pytest.mark.django_db
def test_only_risk_officers_set_the_rate(staff_factory):
    with pytest.raises(ApplicationError):
        services.inspection_rate_set(rate="0.1", actor=staff_factory("reviewer"))
    services.inspection_rate_set(rate="0.1", actor=staff_factory("risk_officer"))
    assert services.inspection_rate_current() == Decimal("0.1")


@pytest.mark.django_db
def test_the_inspection_rate_command_shows_and_sets_the_rate():
    out = StringIO()
    call_command("inspection_rate", stdout=out)
    assert out.getvalue().strip() == "0.05 (5.00%)"
    out = StringIO()
    call_command("inspection_rate", "--set", "0.125", stdout=out)
    assert out.getvalue().strip() == "0.125 (12.50%)"
    assert services.inspection_rate_current() == Decimal("0.125")


@pytest.mark.django_db
def test_the_inspection_rate_command_refuses_a_bad_rate():
    with translation.override("en"), pytest.raises(CommandError, match="between 0 and 1"):
        call_command("inspection_rate", "--set", "5")
    assert services.inspection_rate_current() == Decimal("0.05")


# --- exchange rates --------------------------------------------------------------------------
@pytest.mark.django_db
def test_rmb_needs_no_rate():
    assert services.to_cny(amount=Decimal("12.34"), currency="142", on_date=dt.date(2026, 1, 5)) == Decimal(
        "12.34"
    )


@pytest.mark.django_db
def test_an_amount_is_converted_at_its_months_rate():
    ExchangeRate.objects.create(currency="502", month=dt.date(2026, 1, 1), rate=Decimal("7.1"))
    ExchangeRate.objects.create(currency="502", month=dt.date(2026, 2, 1), rate=Decimal("7.2"))
    assert services.to_cny(amount=Decimal("100"), currency="502", on_date=dt.date(2026, 1, 31)) == Decimal(
        "710"
    )
    assert services.to_cny(amount=Decimal("100"), currency="502", on_date=dt.date(2026, 2, 1)) == Decimal(
        "720"
    )


@pytest.mark.django_db
def test_a_missing_rate_is_a_clear_error_naming_currency_and_month():
    ExchangeRate.objects.create(currency="502", month=dt.date(2026, 1, 1), rate=Decimal("7.1"))
    with translation.override("en"), pytest.raises(ApplicationError) as exc:
        services.to_cny(amount=Decimal("1"), currency="502", on_date=dt.date(2026, 3, 2))
    assert exc.value.code == "no_exchange_rate"
    assert "502" in str(exc.value) and "2026-03" in str(exc.value)


@pytest.mark.django_db
def test_preloaded_rates_spare_the_queries(django_assert_num_queries):
    ExchangeRate.objects.create(currency="502", month=dt.date(2026, 1, 1), rate=Decimal("7.1"))
    ExchangeRate.objects.create(currency="300", month=dt.date(2026, 1, 1), rate=Decimal("7.7"))
    with django_assert_num_queries(1):
        rates = services.exchange_rates_load(currencies={"502", "300", "142"}, dates=[dt.date(2026, 1, 9)])
    with django_assert_num_queries(0):
        assert services.to_cny(amount=1, currency="300", on_date=dt.date(2026, 1, 2), rates=rates) == Decimal(
            "7.7"
        )


@pytest.mark.django_db
def test_setting_a_rate_keeps_one_per_currency_and_month():
    services.exchange_rate_set(currency="502", month=dt.date(2026, 1, 17), rate=Decimal("7.1"))
    services.exchange_rate_set(currency="502", month=dt.date(2026, 1, 2), rate=Decimal("7.15"))
    assert list(ExchangeRate.objects.values_list("month", "rate")) == [(dt.date(2026, 1, 1), Decimal("7.15"))]
    with pytest.raises(ApplicationError):
        services.exchange_rate_set(currency="142", month=dt.date(2026, 1, 1), rate=Decimal("1"))


@pytest.mark.django_db
def test_an_audit_replays_the_recorded_draws(make_declared, settings):
    from declarations.channels.models import ChannelDecision

    settings.INSPECTION_SECRET = "audit"
    InspectionSetting.objects.create(rate=Decimal("0.5"))
    lists = [make_declared() for _ in range(6)]
    services.inventories_route(inventories=lists)
    out = StringIO()
    call_command("inspection_rate", "--replay", *[i.invt_no for i in lists], "22442026E000000000", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 7 and sum("match" in line for line in lines) == 6
    assert lines[-1].endswith("not routed yet")
    drawn = ChannelDecision.objects.filter(drawn_for_inspection=True).count()
    assert sum(", drawn;" in line for line in lines) == drawn

    settings.INSPECTION_SECRET = "changed"
    with pytest.raises(CommandError, match="do not match"):
        call_command("inspection_rate", "--replay", *[i.invt_no for i in lists], stdout=StringIO())
