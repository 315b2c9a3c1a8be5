"""The comparison of a declared list with its three documents (pure: no queries).

Domain, cross-border export item 4 and issue 4: the order (platform + orderNo), the receipt
(orderNo) and the waybill (logistics enterprise + logisticsNo) must exist; the parties must
agree; the lines' total equals the order's goods value and the receipt's charge covers goods
value plus freight, in the same currency, to the cent; every line's goods are registered,
approved and carry the same commodity code; a summary-statistics list (flag A) must be
eligible. A missing document makes the list wait; anything else returns it, with every
reason, field by field (``{"field": ..., "reason": ...}``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
# Summary statistics (domain item 8): a single ticket of at most RMB 5,000.
STATISTICS_LIMIT_CNY = Decimal("5000")


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


def _reason(name: str, text: str) -> dict:
    return {"field": name, "reason": str(text)}


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
) -> Outcome:
    """Compare one declared list; ``goods`` maps (enterprise_id, item_no) to Goods."""
    out = Outcome()
    fail = out.failures.append
    if order is None:
        out.missing.append(
            _reason(
                "orderNo",
                _("no order %(no)s from platform %(ebp)s has been received")
                % {"no": inventory.order_no, "ebp": inventory.ebp_code},
            )
        )
    if payment is None:
        out.missing.append(
            _reason(
                "orderNo",
                _("no payment receipt for order %(no)s has been received") % {"no": inventory.order_no},
            )
        )
    if waybill is None:
        out.missing.append(
            _reason(
                "logisticsNo",
                _("no waybill %(no)s from logistics enterprise %(code)s has been received")
                % {"no": inventory.logistics_no, "code": inventory.logistics_code},
            )
        )
    if other_active_list:
        # the other list is named only when it is this e-commerce enterprise's own
        mine = other_active_list[1] == inventory.ebc_enterprise_id
        fail(
            _reason(
                "orderNo",
                _("order %(no)s is already declared in list %(other)s")
                % {"no": inventory.order_no, "other": other_active_list[0]}
                if mine
                else _("order %(no)s is already declared in another list") % {"no": inventory.order_no},
            )
        )

    # parties agree across the documents. A document naming another e-commerce enterprise is
    # that enterprise's: the list is returned without naming whose it is or what it holds, and
    # its values are not compared (they are not the list's sender's to see).
    for document, label in ((order, _("order")), (payment, _("payment receipt"))):
        if document is not None and document.ebc_enterprise_id != inventory.ebc_enterprise_id:
            fail(
                _reason(
                    "ebcCode",
                    _("the %(doc)s for order %(no)s does not name this list's e-commerce enterprise %(ours)s")
                    % {"doc": label, "no": inventory.order_no, "ours": inventory.ebc_code},
                )
            )
    if order is not None and order.ebc_enterprise_id != inventory.ebc_enterprise_id:
        order = None
    if payment is not None and payment.ebc_enterprise_id != inventory.ebc_enterprise_id:
        payment = None
    if waybill is not None and waybill.ebc_code and waybill.ebc_code != inventory.ebc_code:
        fail(
            _reason(
                "ebcCode",
                _("the waybill %(no)s does not name this list's e-commerce enterprise %(ours)s")
                % {"no": inventory.logistics_no, "ours": inventory.ebc_code},
            )
        )

    # values: lines total = order goods value; charge >= goods value + freight; one currency
    total = cents(sum((line.total_price for line in lines), Decimal(0)))
    currencies = {line.currency for line in lines}
    if order is not None:
        if total != cents(order.goods_value):
            fail(
                _reason(
                    "totalPrice",
                    _("the lines total %(total)s but the order's goods value is %(value)s")
                    % {"total": total, "value": cents(order.goods_value)},
                )
            )
        for line in lines:
            if line.currency != order.currency:
                fail(
                    _reason(
                        f"lines[{line.gnum}].currency",
                        _("currency %(line)s differs from the order's %(order)s")
                        % {"line": line.currency, "order": order.currency},
                    )
                )
        if payment is not None:
            if payment.currency != order.currency:
                fail(
                    _reason(
                        "currency",
                        _("the payment is in currency %(pay)s, the order in %(order)s")
                        % {"pay": payment.currency, "order": order.currency},
                    )
                )
            else:
                due = cents(order.goods_value + order.freight)
                if cents(payment.charge) < due:
                    fail(
                        _reason(
                            "charge",
                            _("the payment of %(charge)s does not cover goods value plus freight (%(due)s)")
                            % {"charge": cents(payment.charge), "due": due},
                        )
                    )

    # goods: registered, approved, same commodity code
    line_goods = []
    for line in lines:
        item = goods.get((inventory.ebc_enterprise_id, line.item_no)) or goods.get(
            (inventory.owner_enterprise_id, line.item_no)
        )
        line_goods.append(item)
        where = f"lines[{line.gnum}]"
        if item is None:
            fail(
                _reason(
                    f"{where}.itemNo",
                    _("goods %(item)s are not in the goods register") % {"item": line.item_no},
                )
            )
        elif item.status != "approved":
            fail(
                _reason(
                    f"{where}.itemNo",
                    _("goods %(item)s are not approved by customs") % {"item": line.item_no},
                )
            )
        elif item.gcode != line.gcode:
            fail(
                _reason(
                    f"{where}.gcode",
                    _("commodity code %(line)s differs from the registered %(registered)s")
                    % {"line": line.gcode, "registered": item.gcode},
                )
            )

    # summary statistics (flag A): pilot zone, at most RMB 5,000, no licence/duty/rebate
    if inventory.statistics_flag == "A":
        if not getattr(ebc, "pilot_zone", False):
            fail(
                _reason(
                    "statisticsFlag",
                    _("summary statistics (A) need an e-commerce enterprise in a comprehensive pilot zone"),
                )
            )
        currency = next(iter(currencies)) if len(currencies) == 1 else None
        in_cny = to_cny(total, currency) if (to_cny and currency) else (total if currency == "142" else None)
        if in_cny is None:
            fail(
                _reason(
                    "statisticsFlag",
                    _("no exchange rate to RMB for currency %(currency)s this month")
                    % {"currency": ", ".join(sorted(currencies))},
                )
            )
        elif in_cny > STATISTICS_LIMIT_CNY:
            fail(
                _reason(
                    "statisticsFlag",
                    _("summary statistics (A) allow at most RMB 5,000 a list; this one is RMB %(value)s")
                    % {"value": cents(in_cny)},
                )
            )
        for line, item in zip(lines, line_goods, strict=True):
            if item is None:
                continue
            flags = [
                label
                for flag, label in (
                    (item.licence, _("licence management")),
                    (item.export_duty, _("export duty")),
                    (item.export_rebate, _("export tax rebate")),
                )
                if flag
            ]
            if flags:
                fail(
                    _reason(
                        f"lines[{line.gnum}].itemNo",
                        _("goods under %(flags)s cannot be declared under summary statistics (A)")
                        % {"flags": ", ".join(str(f) for f in flags)},
                    )
                )
    return out
