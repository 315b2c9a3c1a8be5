"""Declared lists ready for the channel decision (the channels' fixtures), duty rates, rates of
exchange, and a released list with export-duty goods."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.channels.conftest import exporter, make_declared, no_draw  # noqa: F401 - fixtures

DUTY_GCODE = "7202410000"  # ferro-chromium: 20% in the test table
PLAIN_GCODE = "8518220000"  # loudspeakers: no export duty


@pytest.fixture
def duty_rate(db):
    from declarations.duties.models import DutyRate

    return DutyRate.objects.create(
        hs_prefix="720241", rate=Decimal("0.2"), effective_from=dt.date(2020, 1, 1), source="test table"
    )


@pytest.fixture
def usd_rate(db):
    from declarations.channels.models import ExchangeRate

    return ExchangeRate.objects.create(
        currency="502", month=timezone.localdate().replace(day=1), rate=Decimal("7.123456")
    )


@pytest.fixture
def released_duty_list(make_declared, duty_rate, no_draw):  # noqa: F811
    """A list of 2 lines (one with duty) routed green: released, with its duty form."""
    from declarations.channels.services import inventory_route

    def create(*, lines=None, ebc=None):
        lines = lines or [
            {"gcode": DUTY_GCODE, "total_price": Decimal("1000.00"), "price": Decimal("1000.00")},
            {"gcode": PLAIN_GCODE, "total_price": Decimal("50.00"), "price": Decimal("50.00")},
        ]
        inventory = make_declared(lines=lines, **({"ebc": ebc} if ebc else {}))
        assert inventory_route(inventory=inventory) == "green"
        inventory.refresh_from_db()
        return inventory

    return create
