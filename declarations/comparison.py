"""The comparison of a declared list with its three documents (pure: no queries).

Domain, cross-border export item 4 and issue 4: the order (platform + orderNo), the receipt
(orderNo) and the waybill (logistics enterprise + logisticsNo) must exist; the parties must
agree; the lines' total equals the order's goods value and the receipt's charge covers goods
value plus freight, in the same currency, to the cent; every line's goods are registered,
approved and carry the same commodity code; a summary-statistics list (flag A) must be
eligible. A missing document makes the list wait; anything else returns it, with every
reason, field by field (``{"field": ..., "reason": ...}``), each reason a stored text
(``customs_portal.texts``) that the trader reads in their own language, whoever's request ran
the comparison.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from customs_portal import texts
from customs_portal.codes import Currency

CENT = Decimal("0.01")
# Summary statistics (domain item 8): a single ticket of at most RMB 5,000.
STATISTICS_LIMIT_CNY = Decimal("5000")

NO_ORDER = texts.define("comparison.no_order", _("no order %(no)s from platform %(ebp)s has been received"))
NO_PAYMENT = texts.define("comparison.no_payment", _("no payment receipt for order %(no)s has been received"))
NO_WAYBILL = texts.define(
    "comparison.no_waybill", _("no waybill %(no)s from logistics enterprise %(code)s has been received")
)
ORDER_IN_LIST = texts.define(
    "comparison.order_in_list", _("order %(no)s is already declared in list %(other)s")
)
ORDER_IN_OTHER = texts.define(
    "comparison.order_in_other", _("order %(no)s is already declared in another list")
)
DOC_ORDER = texts.define("comparison.doc.order", _("order"))
DOC_PAYMENT = texts.define("comparison.doc.payment", _("payment receipt"))
DOC_OTHER_EBC = texts.define(
    "comparison.doc_other_ebc",
    _("the %(doc)s for order %(no)s does not name this list's e-commerce enterprise %(ours)s"),
)
WAYBILL_OTHER_EBC = texts.define(
    "comparison.waybill_other_ebc",
    _("the waybill %(no)s does not name this list's e-commerce enterprise %(ours)s"),
)
TOTAL_DIFFERS = texts.define(
    "comparison.total_differs", _("the lines total %(total)s but the order's goods value is %(value)s")
)
LINE_CURRENCY = texts.define(
    "comparison.line_currency", _("currency %(line)s differs from the order's %(order)s")
)
PAYMENT_CURRENCY = texts.define(
    "comparison.payment_currency", _("the payment is in currency %(pay)s, the order in %(order)s")
)
CHARGE_SHORT = texts.define(
    "comparison.charge_short",
    _("the payment of %(charge)s does not cover goods value plus freight (%(due)s)"),
)
GOODS_UNKNOWN = texts.define("comparison.goods_unknown", _("goods %(item)s are not in the goods register"))
GOODS_UNAPPROVED = texts.define(
    "comparison.goods_unapproved", _("goods %(item)s are not approved by customs")
)
GCODE_DIFFERS = texts.define(
    "comparison.gcode_differs", _("commodity code %(line)s differs from the registered %(registered)s")
)
STATISTICS_PILOT = texts.define(
    "comparison.statistics_pilot",
    _("summary statistics (A) need an e-commerce enterprise in a comprehensive pilot zone"),
)
STATISTICS_NO_RATE = texts.define(
    "comparison.statistics_no_rate", _("no exchange rate to RMB for currency %(currency)s this month")
)
STATISTICS_LIMIT = texts.define(
    "comparison.statistics_limit",
    _("summary statistics (A) allow at most RMB 5,000 a list; this one is RMB %(value)s"),
)
FLAG_LICENCE = texts.define("comparison.flag.licence", _("licence management"))
FLAG_DUTY = texts.define("comparison.flag.duty", _("export duty"))
FLAG_REBATE = texts.define("comparison.flag.rebate", _("export tax rebate"))
STATISTICS_FLAGS = texts.define(
    "comparison.statistics_flags", _("goods under %(flags)s cannot be declared under summary statistics (A)")
)
# trade modes (declarations.transit.trade_modes)
TRADE_MODE_UNKNOWN = texts.define(
    "comparison.trade_mode_unknown",
    _("trade mode %(mode)s is not a cross-border e-commerce export mode (9610, 9710, 9810, 1210, 1239)"),
)
STATISTICS_SPECIAL_AREA = texts.define(
    "comparison.statistics_special_area",
    _(
        "summary statistics (A) are not allowed for goods leaving a special customs supervision area "
        "or a bonded supervision place (trade mode %(mode)s)"
    ),
)
TRADE_DOCUMENT_MISSING = texts.define(
    "comparison.trade_document_missing",
    _("trade mode %(mode)s: the %(document)s is not recorded on the list yet"),
)


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT)


@dataclass
class Outcome:
    missing: list[dict] = field(default_factory=list)  # documents not received yet: wait
    failures: list[dict] = field(default_factory=list)  # rules broken: return

    @property
    def passed(self) -> bool:
        return not self.missing and not self.failures

    @property
    def waiting(self) -> bool:
        return bool(self.missing) and not self.failures

    @property
    def reasons(self) -> list[dict]:
        return self.failures + self.missing


def _reason(name: str, message_id: str, **params) -> dict:
    return {"field": name, "reason": texts.stored(message_id, **params)}


def _currency(value: str) -> dict:
    return texts.code(Currency, value)


def compare(
    *,
    inventory,
    lines: list,
    order,
    payment,
    waybill,
    goods: dict,
    ebc,
    other_active_list: tuple[str, int] | None = None,  # (number, its e-commerce enterprise)
    to_cny: Callable[[Decimal, str], Decimal | None] | None = None,
    trade_document: object | None = None,  # the 9710/9810 list's own document, if recorded
) -> Outcome:
    """Compare one declared list; ``goods`` maps (enterprise_id, item_no) to Goods."""
    from declarations.transit import trade_modes

    out = Outcome()
    fail = out.failures.append
    mode = inventory.trade_mode
    if mode not in trade_modes.TradeMode.values:
        fail(_reason("tradeMode", TRADE_MODE_UNKNOWN, mode=mode))
    elif mode in trade_modes.OWN_DOCUMENT and trade_document is None:
        out.missing.append(
            _reason(
                "tradeMode",
                TRADE_DOCUMENT_MISSING,
                mode=texts.code(trade_modes.TradeMode, mode),
                document=texts.stored(trade_modes.DOCUMENT_IDS[mode]),
            )
        )
    if inventory.statistics_flag == "A" and mode in trade_modes.FROM_SPECIAL_AREAS:
        fail(_reason("statisticsFlag", STATISTICS_SPECIAL_AREA, mode=texts.code(trade_modes.TradeMode, mode)))
    if order is None:
        out.missing.append(_reason("orderNo", NO_ORDER, no=inventory.order_no, ebp=inventory.ebp_code))
    if payment is None:
        out.missing.append(_reason("orderNo", NO_PAYMENT, no=inventory.order_no))
    if waybill is None:
        out.missing.append(
            _reason("logisticsNo", NO_WAYBILL, no=inventory.logistics_no, code=inventory.logistics_code)
        )
    if other_active_list:
        # the other list is named only when it is this e-commerce enterprise's own
        mine = other_active_list[1] == inventory.ebc_enterprise_id
        fail(
            _reason("orderNo", ORDER_IN_LIST, no=inventory.order_no, other=other_active_list[0])
            if mine
            else _reason("orderNo", ORDER_IN_OTHER, no=inventory.order_no)
        )

    # parties agree across the documents. A document naming another e-commerce enterprise is
    # that enterprise's: the list is returned without naming whose it is or what it holds, and
    # its values are not compared (they are not the list's sender's to see).
    for document, label in ((order, DOC_ORDER), (payment, DOC_PAYMENT)):
        if document is not None and document.ebc_enterprise_id != inventory.ebc_enterprise_id:
            fail(
                _reason(
                    "ebcCode",
                    DOC_OTHER_EBC,
                    doc=texts.stored(label),
                    no=inventory.order_no,
                    ours=inventory.ebc_code,
                )
            )
    if order is not None and order.ebc_enterprise_id != inventory.ebc_enterprise_id:
        order = None
    if payment is not None and payment.ebc_enterprise_id != inventory.ebc_enterprise_id:
        payment = None
    if waybill is not None and waybill.ebc_code and waybill.ebc_code != inventory.ebc_code:
        fail(_reason("ebcCode", WAYBILL_OTHER_EBC, no=inventory.logistics_no, ours=inventory.ebc_code))

    # values: lines total = order goods value; charge >= goods value + freight; one currency
    total = cents(sum((line.total_price for line in lines), Decimal(0)))
    currencies = {line.currency for line in lines}
    if order is not None:
        if total != cents(order.goods_value):
            fail(_reason("totalPrice", TOTAL_DIFFERS, total=total, value=cents(order.goods_value)))
        for line in lines:
            if line.currency != order.currency:
                fail(
                    _reason(
                        f"lines[{line.gnum}].currency",
                        LINE_CURRENCY,
                        line=_currency(line.currency),
                        order=_currency(order.currency),
                    )
                )
        if payment is not None:
            if payment.currency != order.currency:
                fail(
                    _reason(
                        "currency",
                        PAYMENT_CURRENCY,
                        pay=_currency(payment.currency),
                        order=_currency(order.currency),
                    )
                )
            else:
                due = cents(order.goods_value + order.freight)
                if cents(payment.charge) < due:
                    fail(_reason("charge", CHARGE_SHORT, charge=cents(payment.charge), due=due))

    # goods: registered, approved, same commodity code
    line_goods = []
    for line in lines:
        item = goods.get((inventory.ebc_enterprise_id, line.item_no)) or goods.get(
            (inventory.owner_enterprise_id, line.item_no)
        )
        line_goods.append(item)
        where = f"lines[{line.gnum}]"
        if item is None:
            fail(_reason(f"{where}.itemNo", GOODS_UNKNOWN, item=line.item_no))
        elif item.status != "approved":
            fail(_reason(f"{where}.itemNo", GOODS_UNAPPROVED, item=line.item_no))
        elif item.gcode != line.gcode:
            fail(_reason(f"{where}.gcode", GCODE_DIFFERS, line=line.gcode, registered=item.gcode))

    # summary statistics (flag A): pilot zone, at most RMB 5,000, no licence/duty/rebate
    if inventory.statistics_flag == "A":
        if not getattr(ebc, "pilot_zone", False):
            fail(_reason("statisticsFlag", STATISTICS_PILOT))
        currency = next(iter(currencies)) if len(currencies) == 1 else None
        in_cny = to_cny(total, currency) if (to_cny and currency) else (total if currency == "142" else None)
        if in_cny is None:
            fail(
                _reason(
                    "statisticsFlag",
                    STATISTICS_NO_RATE,
                    currency=[_currency(code) for code in sorted(currencies)],
                )
            )
        elif in_cny > STATISTICS_LIMIT_CNY:
            fail(_reason("statisticsFlag", STATISTICS_LIMIT, value=cents(in_cny)))
        for line, item in zip(lines, line_goods, strict=True):
            if item is None:
                continue
            flags = [
                texts.stored(label)
                for flag, label in (
                    (item.licence, FLAG_LICENCE),
                    (item.export_duty, FLAG_DUTY),
                    (item.export_rebate, FLAG_REBATE),
                )
                if flag
            ]
            if flags:
                fail(_reason(f"lines[{line.gnum}].itemNo", STATISTICS_FLAGS, flags=flags))
    return out
