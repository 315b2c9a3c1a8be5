"""The duty arithmetic, pure: which rate applies to a commodity code, and how much is due.

Rules (Customs Tariff and the GACC rules on duty collection):
- export duty is ad valorem: customs value (CNY) x rate;
- the customs value and the duty are computed to the fen, anything below the fen rounded
  half up (四舍五入计算至分): each line's CNY value is rounded first, then its duty;
- the form's duty is the sum of its lines' duties;
- a consignment (票) whose duty is RMB 50 or less is exempt ("人民币五十元以下", and "以下"
  includes the figure itself).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
EXEMPT_AT_OR_BELOW = Decimal("50")  # Tariff Law: a consignment with duty of RMB 50 or less is exempt


@dataclass(frozen=True)
class Rate:
    pk: int | None
    hs_prefix: str
    rate: Decimal


def rate_for(gcode: str, rates: Iterable[Rate]) -> Rate | None:
    """The rate of the longest prefix of ``gcode`` among ``rates`` (those in force that day)."""
    best = None
    for rate in rates:
        if gcode.startswith(rate.hs_prefix) and (best is None or len(rate.hs_prefix) > len(best.hs_prefix)):
            best = rate
    return best


def to_fen(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def customs_value(total_price: Decimal, exchange_rate: Decimal) -> Decimal:
    """The line's value in CNY, to the fen."""
    return to_fen(Decimal(total_price) * Decimal(exchange_rate))


def line_duty(value_cny: Decimal, rate: Decimal) -> Decimal:
    """Ad valorem duty on a CNY value already rounded to the fen, itself rounded to the fen."""
    return to_fen(to_fen(value_cny) * Decimal(rate))


def is_exempt(total_duty: Decimal) -> bool:
    return total_duty <= EXEMPT_AT_OR_BELOW
