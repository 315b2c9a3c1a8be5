"""Returns (CEB213): received through the intake, decided by a customs reviewer, then taken out
of the month's summary.

Rules (CEB213 and the domain's "quantities never above the original list's"):
- the e-commerce enterprise or its declaring agent reports it (the list's agent, or a broker
  the enterprise has authorized for export); ``appType`` 1 (new), ``appStatus`` 2 (declared),
  ``ieFlag`` I (an export return comes *in*, as the schema says);
- the list is a released or departed list of that enterprise; for anyone else it does not
  exist (the same answer as an unknown number);
- each line names a line of the list (``gnum``) with the same commodity code and units, and a
  quantity above zero and never above what is left of the original (minus the returns customs
  has accepted); one return of a list awaits customs at a time;
- the same return sent again (same ``coElNo``, same content) is a duplicate; the same
  ``coElNo`` with other content is refused.

An accepted return fixes the value it takes out (the line's value in proportion to the
quantity, to the cent; the last part of a line takes exactly what is left), and then:
a draft summary of the list's month is rebuilt without it; a declared form (submitted or
decided) is never rebuilt but gets an amendment note the enterprise and customs both read.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customs_portal import texts
from customs_portal.errors import ApplicationError
from customs_portal.fsm import run_transition
from customs_portal.permissions import user_has_staff_role
from declarations.models import Inventory, InventoryStatus
from declarations.services.common import (
    CODE_BAD_VALUE,
    CODE_KEY_TAKEN,
    CODE_NO_AUTHORIZATION,
    CODE_NOT_CHANGEABLE,
    Parties,
    accepted,
    codes_of,
    duplicate,
    errors_text,
    info,
    receive_with_retry,
    record_rejected_receipts,
    rejected,
)
from declarations.services.receipts import Receipt

from . import selectors
from .models import (
    InventoryReturn,
    InventoryReturnHistory,
    InventoryReturnLine,
    ReturnStatus,
    SummaryAmendment,
)

KIND = "refund"
KEY = "coElNo"
CODE_NOT_RETURNABLE = "4010"  # implementer-defined: the list or its quantities cannot be returned
RETURNABLE = (InventoryStatus.RELEASED, InventoryStatus.DEPARTED)
CENT = Decimal("0.01")

SEND_AGAIN = texts.define("returns.receipt.send_again", _("Send the return again."))
AWAITING = texts.define("returns.receipt.awaiting", _("return received: awaiting customs' decision"))
NEW_ONLY = texts.define(
    "returns.receipt.new_only",
    _("appType %(value)s: a return cannot be changed or deleted once sent (send a new one with appType 1)"),
)
DECLARED_ONLY = texts.define(
    "returns.receipt.declared_only", _("appStatus %(value)s: the portal takes declared returns (appStatus 2)")
)
IMPORT_FLAG = texts.define(
    "returns.receipt.ie_flag", _("ieFlag %(value)s: an export return comes back in and is marked I")
)
NOT_AGENT = texts.define(
    "returns.receipt.not_agent",
    _(
        "agentCode %(code)s is neither the e-commerce enterprise, nor the list's declaring "
        "enterprise, nor a broker it has authorized for export"
    ),
)
NO_LIST = texts.define("returns.receipt.no_list", _("no released or departed list %(invt)s of %(ebc)s"))
NOT_RETURNABLE = texts.define(
    "returns.receipt.not_returnable", _("list %(invt)s is %(status)s: only released or departed lists return")
)
ALREADY_AWAITS = texts.define(
    "returns.receipt.pending", _("a return of list %(invt)s already awaits customs' decision")
)
KEY_TAKEN = texts.define("returns.receipt.key_taken", _("coElNo %(key)s was already used for another return"))
NO_SUCH_LINE = texts.define("returns.receipt.no_line", _("lines[%(n)s]: list %(invt)s has no line %(gnum)s"))
LINE_TWICE = texts.define("returns.receipt.line_twice", _("lines[%(n)s]: line %(gnum)s is returned twice"))
NOT_SAME = texts.define(
    "returns.receipt.not_same",
    _("lines[%(n)s].%(field)s: %(value)s is not the original list's %(original)s"),
)
NOT_POSITIVE = texts.define("returns.receipt.not_positive", _("lines[%(n)s].qty: must be above zero"))
TOO_MUCH = texts.define(
    "returns.receipt.too_much",
    _("lines[%(n)s].%(field)s: %(value)s is more than the %(left)s left of the original %(original)s"),
)

# history notes and amendment notes, read in each reader's language; the trader's reason and
# the reviewer's are their own words, kept as written
ACCEPTED_NOTE = texts.define(
    "returns.history.accepted", _("return accepted: value %(value)s taken out of the summary")
)
AMENDMENT = texts.define(
    "returns.amendment",
    _(
        "Return %(ret)s of list %(invt)s was accepted after this form was declared: "
        "%(what)s, value %(value)s, no longer belongs on it."
    ),
)
WHOLE_LIST = texts.define("returns.amendment.whole", _("the whole list"))
SOME_LINES = texts.define("returns.amendment.lines", _("goods lines %(lines)s in part"))


# --- intake ------------------------------------------------------------------------------------
def refund_receive_batch(*, entries: list[dict], sender) -> list[Receipt]:
    """CEB213 returns; each names a released or departed list by its ``invtNo``."""
    return receive_with_retry(
        _receive, entries=entries, sender=sender, kind=KIND, key_field=KEY, text=texts.stored(SEND_AGAIN)
    )


def _fixed_values(entry: dict) -> list[dict]:
    errors = []
    if entry.get("appType") != "1":
        errors.append(info(CODE_NOT_CHANGEABLE, texts.stored(NEW_ONLY, value=entry.get("appType", ""))))
    if entry.get("appStatus") != "2":
        errors.append(info(CODE_BAD_VALUE, texts.stored(DECLARED_ONLY, value=entry.get("appStatus", ""))))
    if entry.get("ieFlag") != "I":
        errors.append(info(CODE_BAD_VALUE, texts.stored(IMPORT_FLAG, value=entry.get("ieFlag", ""))))
    return errors


def _same_return(stored: InventoryReturn, entry: dict) -> bool:
    sent = sorted((line["gnum"], line["qty"], line["qty1"]) for line in entry["lines"])
    kept = sorted((line.gnum, line.qty, line.qty1) for line in stored.lines.all())
    return stored.invt_no == entry["invtNo"] and sent == kept


def _check_lines(entry: dict, inventory: Inventory, lines: dict, returned: dict) -> list:
    errors = []
    seen = set()
    for n, sent in enumerate(entry["lines"], start=1):
        gnum = sent["gnum"]
        original = lines.get(gnum)
        if original is None:
            errors.append(
                info(CODE_BAD_VALUE, texts.stored(NO_SUCH_LINE, n=n, invt=inventory.invt_no, gnum=gnum))
            )
            continue
        if gnum in seen:
            errors.append(info(CODE_BAD_VALUE, texts.stored(LINE_TWICE, n=n, gnum=gnum)))
            continue
        seen.add(gnum)
        for field, column in (("gcode", "gcode"), ("unit", "unit"), ("unit1", "unit1")):
            if sent[field] != getattr(original, column):
                errors.append(
                    info(
                        CODE_BAD_VALUE,
                        texts.stored(
                            NOT_SAME, n=n, field=field, value=sent[field], original=getattr(original, column)
                        ),
                    )
                )
        if sent["qty"] <= 0:
            errors.append(info(CODE_BAD_VALUE, texts.stored(NOT_POSITIVE, n=n)))
        earlier = returned.get(original.pk, {})
        for field in ("qty", "qty1", "qty2"):
            value = sent.get(field)
            limit = getattr(original, field)
            if value is None or limit is None:
                continue
            left = limit - (earlier.get(field) or 0)
            if value > left:
                errors.append(
                    info(
                        CODE_NOT_RETURNABLE,
                        texts.stored(
                            TOO_MUCH,
                            n=n,
                            field=field,
                            value=_plain(value),
                            left=_plain(left),
                            original=_plain(limit),
                        ),
                    )
                )
    return errors


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value else "0"
    return text


def _receive(*, entries: list[dict], sender) -> list[Receipt]:
    from declarations.summaries.services import may_declare_for

    parties = Parties(codes_of(entries, ("agentCode", "ebcCode")))
    receipts: list[Receipt | None] = [None] * len(entries)
    resolved: dict[int, tuple] = {}
    for index, entry in enumerate(entries):
        errors = _fixed_values(entry)
        agent = parties.check(entry, "agentCode", (), errors)
        ebc = parties.check(entry, "ebcCode", ("ecommerce",), errors)
        if errors:
            receipts[index] = rejected(entry, KEY, errors_text(errors))
        else:
            resolved[index] = (agent, ebc)

    with transaction.atomic():
        invt_nos = {entries[index]["invtNo"] for index in resolved}
        # the lists are locked: a return and a decision on the same list are taken one at a time
        inventories = {
            inv.invt_no: inv
            for inv in Inventory.objects.select_for_update()
            .filter(invt_no__in=invt_nos)
            .order_by("pk")
            .prefetch_related("lines")
        }
        line_ids = [line.pk for inv in inventories.values() for line in inv.lines.all()]
        returned = selectors.returned_by_line(line_ids=line_ids)
        by_key = {
            (r.agent_enterprise_id, r.co_el_no): r
            for r in InventoryReturn.objects.filter(
                agent_enterprise_id__in={agent.pk for agent, _ebc in resolved.values()},
                co_el_no__in={entries[index][KEY] for index in resolved},
            ).prefetch_related("lines")
        }
        pending = set(
            InventoryReturn.objects.filter(
                inventory__in=list(inventories.values()), status=ReturnStatus.PENDING
            ).values_list("inventory_id", flat=True)
        )

        new_returns: list[tuple[InventoryReturn, list[InventoryReturnLine]]] = []
        for index, (agent, ebc) in resolved.items():
            entry = entries[index]
            stored = by_key.get((agent.pk, entry[KEY]))
            if stored is not None:
                if _same_return(stored, entry):
                    receipts[index] = duplicate(entry, KEY)
                else:
                    receipts[index] = rejected(
                        entry, KEY, info(CODE_KEY_TAKEN, texts.stored(KEY_TAKEN, key=entry[KEY]))
                    )
                continue
            inventory = inventories.get(entry["invtNo"])
            if inventory is not None and inventory.ebc_enterprise_id != ebc.pk:
                inventory = None  # another enterprise's list does not exist for this sender
            # the agent's right first: its answer does not depend on whether the list exists
            if not (
                agent.pk == ebc.pk
                or (inventory is not None and inventory.agent_enterprise_id == agent.pk)
                or (agent.has_role("broker") and may_declare_for(acting=agent, principal=ebc))
            ):
                receipts[index] = rejected(
                    entry, KEY, info(CODE_NO_AUTHORIZATION, texts.stored(NOT_AGENT, code=entry["agentCode"]))
                )
                continue
            if inventory is None:
                receipts[index] = rejected(
                    entry,
                    KEY,
                    info(
                        CODE_NOT_RETURNABLE, texts.stored(NO_LIST, invt=entry["invtNo"], ebc=entry["ebcCode"])
                    ),
                )
                continue
            if inventory.status not in RETURNABLE:
                receipts[index] = rejected(
                    entry,
                    KEY,
                    info(
                        CODE_NOT_RETURNABLE,
                        texts.stored(
                            NOT_RETURNABLE,
                            invt=inventory.invt_no,
                            status=texts.choice(InventoryStatus, inventory.status),
                        ),
                    ),
                )
                continue
            if inventory.pk in pending:
                receipts[index] = rejected(
                    entry,
                    KEY,
                    info(CODE_NOT_RETURNABLE, texts.stored(ALREADY_AWAITS, invt=inventory.invt_no)),
                )
                continue
            lines = {line.gnum: line for line in inventory.lines.all()}
            errors = _check_lines(entry, inventory, lines, returned)
            if errors:
                receipts[index] = rejected(entry, KEY, errors_text(errors))
                continue
            head = {name: value for name, value in entry.items() if name != "lines"}
            ret = InventoryReturn(
                inventory=inventory,
                guid=entry["guid"],
                app_time=entry["appTime"],
                co_el_no=entry[KEY],
                invt_no=entry["invtNo"],
                ebc_enterprise=ebc,
                agent_enterprise=agent,
                sender=sender,
                logistics_no=entry["logisticsNo"],
                reason=entry["reason"],
                head=head,
            )
            new_returns.append(
                (
                    ret,
                    [
                        InventoryReturnLine(
                            inventory_line=lines[sent["gnum"]],
                            gnum=sent["gnum"],
                            qty=sent["qty"],
                            qty1=sent["qty1"],
                            qty2=sent.get("qty2"),
                            note=sent.get("note", ""),
                        )
                        for sent in entry["lines"]
                    ],
                )
            )
            pending.add(inventory.pk)
            by_key[(agent.pk, entry[KEY])] = ret
            receipts[index] = accepted(entry, KEY, texts.stored(AWAITING))
        InventoryReturn.objects.bulk_create([ret for ret, _lines in new_returns])
        rows = []
        for ret, ret_lines in new_returns:
            for line in ret_lines:
                line.inventory_return = ret
                rows.append(line)
        InventoryReturnLine.objects.bulk_create(rows)
    record_rejected_receipts(sender=sender, kind=KIND, pairs=list(zip(entries, receipts, strict=True)))
    return receipts


# --- customs' decision ---------------------------------------------------------------------------
def _require_reviewer(actor) -> None:
    if not user_has_staff_role(actor, "reviewer"):
        raise ApplicationError("not_reviewer", _("Only a customs reviewer may decide on returns."))


def inventory_return_decide(
    *, inventory_return: InventoryReturn, actor, accept: bool, reason: str = ""
) -> InventoryReturn:
    """A reviewer accepts the return (its goods leave the summary) or rejects it with a reason.

    Two reviewers at once: the return is locked, the second finds it decided and is told so.
    """
    _require_reviewer(actor)
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ApplicationError("reason_required", _("Give the enterprise a reason for the rejection."))
    with transaction.atomic():
        # the list first, then the return: the intake locks lists too, in the same order
        Inventory.objects.select_for_update().filter(pk=inventory_return.inventory_id).first()
        if accept:
            note = _fix_values(inventory_return)
            locked = run_transition(
                instance=inventory_return,
                transition="accept",
                history_model=InventoryReturnHistory,
                actor=actor,
                reason=note,
                before=lambda row: _stamp(row, actor, reason),
            )
            _take_out_of_summary(locked)
        else:
            locked = run_transition(
                instance=inventory_return,
                transition="reject",
                history_model=InventoryReturnHistory,
                actor=actor,
                reason=reason,
                before=lambda row: _stamp(row, actor, reason),
            )
        from declarations.exchange.services import receipt_record_refund_decision

        receipt_record_refund_decision(inventory_return=locked)
    return locked


def _stamp(row: InventoryReturn, actor, reason: str) -> None:
    if row.status != ReturnStatus.PENDING:
        return  # run_transition refuses it with its own message
    row.decided_by = actor if getattr(actor, "pk", None) else None
    row.decided_at = timezone.now()
    row.decision_reason = reason  # the reviewer's own words, shown as written


def _fix_values(inventory_return: InventoryReturn) -> dict:
    """Check the quantities again (an earlier return may have been accepted since) and fix the
    value each line takes out; the return's total and whether the list is now all returned."""
    ret = InventoryReturn.objects.select_for_update().get(pk=inventory_return.pk)
    if ret.status != ReturnStatus.PENDING:
        raise ApplicationError("already_decided", _("This return has already been decided."))
    ret_lines = list(ret.lines.select_related("inventory_line"))
    all_lines = list(ret.inventory.lines.all())
    earlier = selectors.returned_by_line(line_ids=[line.pk for line in all_lines])
    total = Decimal(0)
    for line in ret_lines:
        original = line.inventory_line
        before = earlier.get(original.pk, {})
        left_qty = original.qty - (before.get("qty") or 0)
        left_value = original.total_price - (before.get("total") or 0)
        if line.qty > left_qty or line.qty1 > original.qty1 - (before.get("qty1") or 0):
            raise ApplicationError(
                "too_much",
                _("Line %(gnum)s returns more than is left of the original list; reject this return.")
                % {"gnum": line.gnum},
            )
        if line.qty == left_qty:
            line.total_price = left_value  # the last part takes exactly what is left
        else:
            line.total_price = (original.total_price * line.qty / original.qty).quantize(CENT, ROUND_HALF_UP)
        total += line.total_price
    InventoryReturnLine.objects.bulk_update(ret_lines, ["total_price"])
    returned_now = {line.inventory_line_id: line.qty for line in ret_lines}
    completes = all(
        line.qty - (earlier.get(line.pk, {}).get("qty") or 0) - returned_now.get(line.pk, 0) <= 0
        for line in all_lines
    )
    InventoryReturn.objects.filter(pk=ret.pk).update(total_value=total, completes_list=completes)
    inventory_return.total_value, inventory_return.completes_list = total, completes
    return texts.stored(ACCEPTED_NOTE, value=_money(total))


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, ROUND_HALF_UP))


def _take_out_of_summary(ret: InventoryReturn) -> None:
    """A draft of the list's month is rebuilt; a declared form gets an amendment note."""
    from declarations.summaries.models import SummaryForm, SummaryInventory, SummaryStatistic, SummaryStatus
    from declarations.summaries.services import BEIJING, summary_month_build

    inventory = ret.inventory
    link = SummaryInventory.objects.select_related("form").filter(inventory_id=inventory.pk).first()
    if link is not None and link.form.status != SummaryStatus.DRAFT:
        lines = sorted(line.gnum for line in ret.lines.all())
        what = (
            texts.stored(WHOLE_LIST)
            if ret.completes_list
            else texts.stored(SOME_LINES, lines=", ".join(str(n) for n in lines))
        )
        SummaryAmendment.objects.create(
            form=link.form,
            inventory_return=ret,
            total_value=ret.total_value,
            note=texts.stored(
                AMENDMENT, ret=ret.co_el_no, invt=ret.invt_no, what=what, value=_money(ret.total_value)
            ),
        )
        return
    if inventory.status != InventoryStatus.DEPARTED or inventory.released_at is None:
        return  # not in any summary yet: the month's build will take the return into account
    month = inventory.released_at.astimezone(BEIJING).date().replace(day=1)
    enterprise = inventory.ebc_enterprise
    built = (
        SummaryForm.objects.filter(enterprise=enterprise, month=month, status=SummaryStatus.DRAFT).exists()
        or SummaryStatistic.objects.filter(enterprise=enterprise, month=month).exists()
    )
    if built:
        summary_month_build(enterprise=enterprise, month=month, force=True)
