"""The demo data for the channels: the default rate, a few rules, this month's exchange rates."""

from decimal import Decimal
from io import StringIO

import pytest
from django.utils import timezone

from declarations.channels import demo, services
from declarations.channels.models import ExchangeRate, InspectionSetting, RiskRule

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_once_and_converts_this_months_dollars():
    demo.seed(stdout=StringIO())
    demo.seed(stdout=StringIO())
    assert InspectionSetting.objects.count() == 1
    assert services.inspection_rate_current() == Decimal("0.05")
    assert RiskRule.objects.count() == len(demo.DEMO_RULES)
    assert ExchangeRate.objects.count() == 3 * len(demo.DEMO_RATES)
    assert services.to_cny(amount=Decimal(100), currency="502", on_date=timezone.localdate()) == Decimal(
        "710"
    )


def test_the_demo_leaves_a_rate_set_by_an_officer_alone():
    services.inspection_rate_set(rate="0.2")
    demo.seed(stdout=StringIO())
    assert services.inspection_rate_current() == Decimal("0.2")
