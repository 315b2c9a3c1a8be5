"""Demo data for the channels: the default inspection rate, a few risk rules, exchange rates.

Idempotent: looks rows up by their natural keys and creates only what is missing.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

# customs currency codes -> RMB per unit (indicative demo figures, not official rates)
DEMO_RATES = {
    "502": Decimal("7.1000"),  # US dollar
    "300": Decimal("7.7000"),  # euro
    "303": Decimal("9.0500"),  # pound sterling
    "116": Decimal("0.0470"),  # yen
    "110": Decimal("0.9100"),  # Hong Kong dollar
}

DEMO_RULES = [
    {
        "name": "锂电池类商品",
        "gcode_prefix": "8507",
        "reason": "锂电池属于危险品风险商品，需现场核查包装与标识。",
    },
    {
        "name": "失信企业",
        "dishonest_only": True,
        "reason": "电商企业、申报企业或生产销售单位为失信企业。",
    },
    {
        "name": "高价值包裹",
        "value_above": Decimal("20000"),
        "reason": "单票价值超过人民币20,000元，需核查价格真实性。",
    },
]


def _months_back(today: dt.date, n: int) -> list[dt.date]:
    months, month = [], today.replace(day=1)
    for _ in range(n):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return months


def seed(*, stdout):
    from .models import DEFAULT_INSPECTION_RATE, ExchangeRate, InspectionSetting, RiskRule

    if not InspectionSetting.objects.exists():
        InspectionSetting.objects.create(rate=DEFAULT_INSPECTION_RATE, note="demo: default rate")
    for rule in DEMO_RULES:
        RiskRule.objects.get_or_create(name=rule["name"], defaults=rule)
    for month in _months_back(timezone.localdate(), 3):
        for currency, rate in DEMO_RATES.items():
            ExchangeRate.objects.get_or_create(currency=currency, month=month, defaults={"rate": rate})
    stdout.write("channels demo: inspection rate, risk rules and exchange rates ready")
    return []
