"""Declaration lists (CEB603): store, change, delete, declare, compare, and hand to channels.

- appStatus 1 stores a list; appType 2 (change) and 3 (delete) are allowed only while it is
  stored. appStatus 2 declares it: it gets its inventory number (customs code, year, ``E``,
  9-digit serial) and its declared data never changes again (a PostgreSQL trigger agrees).
- A declared list is compared with its order, payment receipt and waybill
  (``declarations.comparison``): a missing document makes it wait (it is compared again when
  the document arrives), a failure returns it with every reason, a pass hands it to
  ``declarations.channels.services.inventories_route`` (green: released, red: review).

Batches: a fixed number of queries per batch whatever its size; each state move writes its
history row (in bulk), on rows locked with ``select_for_update``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from customs_portal import texts
from customs_portal.bulk import rows_insert, rows_update
from declarations.exchange.services import receipts_record_list_moves
from registration.models import Enterprise

from .. import comparison
from ..models import (
    Goods,
    Inventory,
    InventoryHistory,
    InventoryLine,
    InventoryStatus,
    Order,
    Payment,
    Waybill,
)
from .common import (
    APP_DELETE,
    APP_NEW,
    CODE_KEY_TAKEN,
    CODE_NO_AUTHORIZATION,
    CODE_NOT_CHANGEABLE,
    CODE_WRONG_ROLE,
    Parties,
    accepted,
    codes_of,
    duplicate,
    errors_text,
    info,
    is_party,
    receive_with_retry,
    record_rejected_receipts,
    rejected,
    same_values,
)
from .receipts import Receipt

KEY = "copNo"
SYSTEM = "system"

HEAD_COLUMNS = {
    "guid": "guid", "appTime": "app_time", "appStatus": "app_status", "customsCode": "customs_code",
    "ebpCode": "ebp_code", "ebpName": "ebp_name", "orderNo": "order_no", "logisticsCode": "logistics_code",
    "logisticsName": "logistics_name", "logisticsNo": "logistics_no", "copNo": "cop_no", "preNo": "pre_no",
    "ieFlag": "ie_flag", "portCode": "port_code", "ieDate": "ie_date", "statisticsFlag": "statistics_flag",
    "agentCode": "agent_code", "agentName": "agent_name", "ebcCode": "ebc_code", "ebcName": "ebc_name",
    "ownerCode": "owner_code", "ownerName": "owner_name", "iacCode": "iac_code", "iacName": "iac_name",
    "emsNo": "ems_no", "tradeMode": "trade_mode", "trafMode": "traf_mode", "trafName": "traf_name",
    "voyageNo": "voyage_no", "billNo": "bill_no", "totalPackageNo": "total_package_no", "loctNo": "loct_no",
    "licenseNo": "license_no", "country": "country", "POD": "pod", "freight": "freight",
    "fCurrency": "f_currency", "fFlag": "f_flag", "insuredFee": "insured_fee", "iCurrency": "i_currency",
    "iFlag": "i_flag", "wrapType": "wrap_type", "packNo": "pack_no", "grossWeight": "gross_weight",
    "netWeight": "net_weight", "note": "note",
}  # fmt: skip
LINE_COLUMNS = {
    "gnum": "gnum", "itemNo": "item_no", "itemRecordNo": "item_record_no", "itemName": "item_name",
    "gcode": "gcode", "gname": "gname", "gmodel": "gmodel", "barCode": "bar_code", "country": "country",
    "currency": "currency", "qty": "qty", "qty1": "qty1", "qty2": "qty2", "unit": "unit", "unit1": "unit1",
    "unit2": "unit2", "price": "price", "totalPrice": "total_price", "note": "note",
}  # fmt: skip
PARTY_COLUMNS = [
    "ebp_enterprise",
    "ebc_enterprise",
    "owner_enterprise",
    "logistics_enterprise",
    "agent_enterprise",
]
DATA_COLUMNS = (
    [c for c in HEAD_COLUMNS.values() if c not in ("cop_no",)]
    + [f"{p}_id" for p in PARTY_COLUMNS]
    + ["sender_id", "total_value"]
)
# What a resend must repeat to be a duplicate: everything but the message's own guid and time
# (and appStatus, compared on its own: a list is built stored and declared once its lines are in).
CONTENT_COLUMNS = [c for c in DATA_COLUMNS if c not in ("guid", "app_time", "app_status", "sender_id")]
# The list's parties that may send, change or delete it (the declaring agent, the e-commerce
# enterprise): to anyone else a stored list does not exist.
SENDING_PARTIES = ("agent_enterprise", "ebc_enterprise")

# The states in which a list holds its order (another list for the same order is refused).
HOLDING = (InventoryStatus.UNDER_REVIEW, InventoryStatus.RELEASED, InventoryStatus.DEPARTED)


# --- inventory numbers -------------------------------------------------------------------------
def allocate_inventory_numbers(*, customs_code: str, year: int, count: int) -> list[str]:
    """``count`` new inventory numbers for one customs office and year, in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO declarations_inventorynumbercounter (customs_code, year, last) VALUES (%s, %s, %s) "
            "ON CONFLICT (customs_code, year) DO UPDATE "
            "SET last = declarations_inventorynumbercounter.last + EXCLUDED.last RETURNING last",
            [customs_code, year, count],
        )
        last = cursor.fetchone()[0]
    return [f"{customs_code}{year:04d}E{serial:09d}" for serial in range(last - count + 1, last + 1)]


def _number(rows: list[Inventory]) -> None:
    year = timezone.localdate().year
    by_customs: dict[str, list[Inventory]] = defaultdict(list)
    for row in rows:
        by_customs[row.customs_code].append(row)
    for customs_code, group in by_customs.items():
        for row, number in zip(
            group,
            allocate_inventory_numbers(customs_code=customs_code, year=year, count=len(group)),
            strict=True,
        ):
            row.invt_no = number


# history notes, stored as texts and read in each reader's language
RECEIVED = texts.define("inventory.received", gettext_lazy("received (temporarily stored)"))
DECLARED = texts.define("inventory.declared", gettext_lazy("declared"))

# receipt texts (stored texts: see common.info)
CHANGED_MEANWHILE = texts.define(
    "declarations.receipt.list_conflict",
    gettext_lazy("Another message changed this list at the same time; send it again."),
)
AGENT_NOT_BROKER = texts.define(
    "declarations.receipt.list_agent_not_broker",
    gettext_lazy(
        "agentCode %(code)s: the declaring enterprise must be a customs broker or the e-commerce enterprise itself"
    ),
)
NO_AUTHORIZATION = texts.define(
    "declarations.receipt.list_no_authorization",
    gettext_lazy("agentCode %(agent)s has no valid export authorization from %(ebc)s on %(day)s"),
)
KEY_FOREIGN = texts.define(
    "declarations.receipt.list_key_foreign",
    gettext_lazy("copNo %(key)s of declaring enterprise %(agent)s cannot be used: choose another number"),
)
ALREADY_RECEIVED = texts.define(
    "declarations.receipt.list_already_received",
    gettext_lazy("Already received: list %(list)s is %(status)s."),
)
BEING_RECEIVED = texts.define(
    "declarations.receipt.list_being_received", gettext_lazy("being received in this message")
)
KEY_TAKEN = texts.define(
    "declarations.receipt.list_key_taken",
    gettext_lazy(
        "copNo %(key)s was already received with different content; a stored list is changed with appType 2"
    ),
)
NO_SUCH_LIST = texts.define(
    "declarations.receipt.list_not_found",
    gettext_lazy("copNo %(key)s: no such list; there is nothing to change or delete"),
)
LIST_DECLARED = texts.define(
    "declarations.receipt.list_declared",
    gettext_lazy(
        "copNo %(key)s is declared (%(status)s): a declared list is never changed; send a cancellation (CEB605)"
    ),
)


def returned_note(reasons: list[dict]) -> dict:
    """The history note of a returned list: every reason, field by field ("field: reason; …")."""
    return texts.joined(
        [
            texts.joined([texts.field_path(r["field"]), r["reason"]], ": ") if r.get("field") else r["reason"]
            for r in reasons
        ]
    )


def _history(inventory, source, target, reason, actor=None, actor_label=SYSTEM) -> InventoryHistory:
    return InventoryHistory(
        inventory=inventory,
        actor=actor,
        actor_label="" if actor is not None else actor_label,
        from_status=source,
        to_status=target,
        reason=reason,
    )


# --- receive ------------------------------------------------------------------------------------
def _authorized_pairs(pairs: set[tuple[int, int]], on_date: dt.date) -> set[tuple[int, int]]:
    """The (agent, e-commerce enterprise) pairs with a valid export authorization (one query per pair)."""
    from authorization.selectors import authorization_is_valid

    return {
        (agent, principal)
        for agent, principal in pairs
        if authorization_is_valid(agent=agent, principal=principal, direction="export", on_date=on_date)
    }


def _check_parties(entry: dict, parties: Parties) -> tuple[dict, list[str]]:
    errors: list[str] = []
    resolved = {
        "ebp_enterprise": parties.check(entry, "ebpCode", ("platform",), errors),
        "ebc_enterprise": parties.check(entry, "ebcCode", ("ecommerce",), errors),
        "owner_enterprise": parties.check(entry, "ownerCode", ("owner", "ecommerce"), errors),
        "logistics_enterprise": parties.check(entry, "logisticsCode", ("logistics",), errors),
        "agent_enterprise": parties.check(entry, "agentCode", (), errors),
    }
    agent, ebc = resolved["agent_enterprise"], resolved["ebc_enterprise"]
    if agent is not None and ebc is not None and agent.pk != ebc.pk and not agent.has_role("broker"):
        errors.append(
            info(
                CODE_WRONG_ROLE,
                texts.stored(AGENT_NOT_BROKER, code=entry.get("agentCode", "")),
            )
        )
    return resolved, errors


def _build(entry: dict, resolved: dict, sender, instance: Inventory | None = None) -> tuple[Inventory, list]:
    values = {column: entry[name] for name, column in HEAD_COLUMNS.items() if name in entry}
    values["app_status"] = "1"  # set to 2 once the lines are written (the trigger freezes declared lists)
    values.update(resolved)
    values["sender"] = sender
    lines = [
        InventoryLine(**{column: line[name] for name, column in LINE_COLUMNS.items() if name in line})
        for line in entry["lines"]
    ]
    values["total_value"] = sum((line.total_price for line in lines), Decimal(0))
    if instance is None:
        instance = Inventory(**values)
    else:
        for column, value in values.items():
            setattr(instance, column, value)
    return instance, lines


def inventory_receive_batch(*, entries: list[dict], sender) -> list[Receipt]:
    """CEB603 declaration lists; key (declaring enterprise, copNo)."""
    return receive_with_retry(
        _receive,
        entries=entries,
        sender=sender,
        kind="inventory",
        key_field=KEY,
        text=texts.stored(CHANGED_MEANWHILE),
    )


def _same_content(
    stored: Inventory, stored_lines: list, app_status: str, entry: dict, resolved: dict, sender
) -> bool:
    """A resend under any guid: the entry says exactly what the stored list says."""
    received, lines = _build(entry, resolved, sender)
    if app_status != entry["appStatus"] or not same_values(stored, received, CONTENT_COLUMNS):
        return False
    lines.sort(key=lambda line: line.gnum)
    return len(lines) == len(stored_lines) and all(
        same_values(old, new, LINE_COLUMNS.values()) for old, new in zip(stored_lines, lines, strict=True)
    )


def _receive(*, entries: list[dict], sender) -> list[Receipt]:
    today = timezone.localdate()
    parties = Parties(codes_of(entries, ("ebpCode", "ebcCode", "ownerCode", "logisticsCode", "agentCode")))
    receipts: list[Receipt | None] = [None] * len(entries)
    resolved_by_index: dict[int, dict] = {}
    for index, entry in enumerate(entries):
        resolved, errors = _check_parties(entry, parties)
        if errors:
            receipts[index] = rejected(entry, KEY, errors_text(errors))
        else:
            resolved_by_index[index] = resolved
    pairs = {
        (r["agent_enterprise"].pk, r["ebc_enterprise"].pk)
        for r in resolved_by_index.values()
        if r["agent_enterprise"].pk != r["ebc_enterprise"].pk
    }
    authorized = _authorized_pairs(pairs, today)
    for index in list(resolved_by_index):
        r = resolved_by_index[index]
        pair = (r["agent_enterprise"].pk, r["ebc_enterprise"].pk)
        if pair[0] != pair[1] and pair not in authorized:
            entry = entries[index]
            receipts[index] = rejected(
                entry,
                KEY,
                info(
                    CODE_NO_AUTHORIZATION,
                    texts.stored(
                        NO_AUTHORIZATION,
                        agent=entry["agentCode"],
                        ebc=entry["ebcCode"],
                        day=today.isoformat(),
                    ),
                ),
            )
            del resolved_by_index[index]

    with transaction.atomic():
        by_agent: dict[int, list[str]] = defaultdict(list)
        for index, r in resolved_by_index.items():
            by_agent[r["agent_enterprise"].pk].append(entries[index][KEY])
        condition = Q(pk__in=[])
        for agent_id, cop_nos in by_agent.items():
            condition |= Q(agent_enterprise_id=agent_id, cop_no__in=cop_nos)
        state: dict[tuple[int, str], Inventory | None] = {
            (inv.agent_enterprise_id, inv.cop_no): inv
            for inv in Inventory.objects.select_for_update().filter(condition).order_by("pk")
        }
        # another enterprise's list under the same key: it does not exist for this sender
        foreign = {key for key, inv in state.items() if not is_party(inv, sender, SENDING_PARTIES)}
        for key in foreign:
            del state[key]
        stored_lines: dict[int, list[InventoryLine]] = defaultdict(list)
        if state:
            for line in InventoryLine.objects.filter(inventory__in=list(state.values())).order_by(
                "inventory_id", "gnum"
            ):
                stored_lines[line.inventory_id].append(line)

        new: dict[tuple[int, str], tuple[Inventory, list, dict]] = {}
        changed: dict[tuple[int, str], tuple[Inventory, list, dict]] = {}
        deleted: set[int] = set()
        results: dict[int, tuple[int, str]] = {}  # entry index -> key of the accepted list
        for index, resolved in resolved_by_index.items():
            entry = entries[index]
            key = (resolved["agent_enterprise"].pk, entry[KEY])
            current = state.get(key)
            app_type = entry.get("appType", APP_NEW)
            if key in foreign and app_type == APP_NEW:
                # the declaring agent's numbering, and another enterprise's list holds this
                # number: say so without naming whose it is, what it holds or where it stands
                receipts[index] = rejected(
                    entry,
                    KEY,
                    info(
                        CODE_KEY_TAKEN,
                        texts.stored(KEY_FOREIGN, key=entry[KEY], agent=entry["agentCode"]),
                    ),
                )
                continue
            if current is not None and app_type != APP_DELETE:
                in_batch = new.get(key) or changed.get(key)  # written earlier in this batch
                if in_batch:
                    lines = sorted(in_batch[1], key=lambda line: line.gnum)
                    app_status = in_batch[2]["appStatus"]
                else:
                    lines, app_status = stored_lines.get(current.pk, []), current.app_status
                if current.guid == entry["guid"] or _same_content(
                    current, lines, app_status, entry, resolved, sender
                ):
                    receipts[index] = duplicate(
                        entry,
                        KEY,
                        texts.stored(
                            ALREADY_RECEIVED,
                            list=current.invt_no or current.cop_no,
                            status=texts.choice(InventoryStatus, current.status)
                            if current.pk
                            else texts.stored(BEING_RECEIVED),
                        ),
                    )
                    continue
            # a list declared earlier in this same batch is declared already
            declared_here = current is not None and not current.pk and new[key][2]["appStatus"] == "2"
            if app_type == APP_NEW:
                if current is not None:
                    if current.status == InventoryStatus.STORED and not declared_here:
                        text = texts.stored(KEY_TAKEN, key=entry[KEY])
                    else:
                        text = _declared_text(entry[KEY], current, declared_here)
                    receipts[index] = rejected(entry, KEY, info(CODE_KEY_TAKEN, text))
                    continue
                inventory, lines = _build(entry, resolved, sender)
                new[key] = (inventory, lines, entry)
                state[key] = inventory
                receipts[index] = accepted(entry, KEY)
                results[index] = key
                continue
            # change or delete: only while the list is temporarily stored
            if current is None or current.status != InventoryStatus.STORED or declared_here:
                if current is None:
                    reason = texts.stored(NO_SUCH_LIST, key=entry[KEY])
                else:
                    reason = _declared_text(entry[KEY], current, declared_here)
                receipts[index] = rejected(entry, KEY, info(CODE_NOT_CHANGEABLE, reason))
                continue
            if app_type == APP_DELETE:
                if current.pk:
                    deleted.add(current.pk)
                    changed.pop(key, None)
                else:
                    new.pop(key, None)
                state[key] = None
                receipts[index] = accepted(entry, KEY)
                continue
            if current.pk:
                inventory, lines = _build(entry, resolved, sender, instance=current)
                changed[key] = (inventory, lines, entry)
            else:
                inventory, lines = _build(entry, resolved, sender)
                new[key] = (inventory, lines, entry)
            state[key] = inventory
            receipts[index] = accepted(entry, KEY)
            results[index] = key

        if deleted:
            Inventory.objects.filter(pk__in=deleted, status=InventoryStatus.STORED).delete()
        to_declare = [
            inv for inv, _lines, entry in [*new.values(), *changed.values()] if entry["appStatus"] == "2"
        ]
        now = timezone.now()
        if to_declare:
            _number(to_declare)
            for inventory in to_declare:
                inventory.declare()  # the FSM's stored -> declared (in memory; written below)
                inventory.declared_at = now
        created = rows_insert([inv for inv, _l, _e in new.values()], returning=True)
        if changed:
            rows = [inv for inv, _l, _e in changed.values()]
            for row in rows:
                row.updated_at = now
            rows_update(rows, [*DATA_COLUMNS, "invt_no", "status", "declared_at", "updated_at"])
            InventoryLine.objects.filter(inventory__in=rows).delete()
        line_rows = []
        for inventory, lines, _entry in [*new.values(), *changed.values()]:
            for line in lines:
                line.inventory = inventory
                line_rows.append(line)
        rows_insert(line_rows)
        history = [
            _history(inv, "", InventoryStatus.STORED, texts.stored(RECEIVED))
            for inv in created
            if inv.status == InventoryStatus.STORED
        ]
        history += [
            _history(inv, InventoryStatus.STORED, InventoryStatus.DECLARED, texts.stored(DECLARED))
            for inv in to_declare
        ]
        rows_insert(history)
        if to_declare:
            Inventory.objects.filter(pk__in=[inv.pk for inv in to_declare]).update(app_status="2")
            for inventory in to_declare:
                inventory.app_status = "2"
            compare_and_route(to_declare, locked=True)

        for index, key in results.items():
            inventory = state.get(key)
            if inventory is not None and inventory.invt_no:
                receipts[index] = accepted(entries[index], KEY, f"{inventory.invt_no}: {inventory.status}")
    record_rejected_receipts(sender=sender, kind="inventory", pairs=list(zip(entries, receipts, strict=True)))
    return receipts


def _declared_text(cop_no: str, inventory: Inventory, declared_here: bool) -> dict:
    """Why the sender's own declared list cannot be sent again as new, changed or deleted."""
    if declared_here:
        status = texts.choice(InventoryStatus, InventoryStatus.DECLARED)
    elif inventory.invt_no:
        status = texts.joined([inventory.invt_no, texts.choice(InventoryStatus, inventory.status)], ", ")
    else:
        status = texts.choice(InventoryStatus, inventory.status)
    return texts.stored(LIST_DECLARED, key=cop_no, status=status)


# --- comparison ---------------------------------------------------------------------------------
def inventories_compare_waiting(*, condition: Q) -> list[Inventory]:
    """Compare again the declared lists (matching ``condition``) that wait for a document."""
    waiting = list(
        Inventory.objects.select_for_update()
        .filter(condition, status=InventoryStatus.DECLARED)
        .order_by("pk")
    )
    if waiting:
        compare_and_route(waiting, locked=True)
    return waiting


def _keyed(model, party: str, column: str, keys: set[tuple[int, str]], fields: tuple[str, ...]) -> dict:
    by_party: dict[int, list[str]] = defaultdict(list)
    for party_id, number in keys:
        by_party[party_id].append(number)
    condition = Q(pk__in=[])
    for party_id, numbers in by_party.items():
        condition |= Q(**{f"{party}_id": party_id, f"{column}__in": numbers})
    # only the columns the comparison reads: the documents' other columns (and their payloads)
    # are not loaded for every list of a batch
    rows = model.objects.filter(condition).only(f"{party}_id", column, *fields)
    return {(getattr(row, f"{party}_id"), getattr(row, column)): row for row in rows}


def _rate_lookup():
    """``to_cny(amount, currency)`` at this month's rate, None if there is none (cached per batch)."""
    from customs_portal.errors import ApplicationError
    from declarations.channels.services import to_cny

    cache: dict[str, Decimal | None] = {}
    today = timezone.localdate()

    def convert(amount: Decimal, currency: str) -> Decimal | None:
        if currency == "142":  # RMB
            return amount
        if currency not in cache:
            try:
                cache[currency] = to_cny(amount=Decimal(1), currency=currency, on_date=today)
            except ApplicationError:  # no rate for the month: an A list is returned saying so
                cache[currency] = None
        rate = cache[currency]
        return None if rate is None else amount * rate

    return convert


def compare_and_route(inventories: list[Inventory], *, locked: bool) -> dict[str, list[Inventory]]:
    """Compare declared lists (rows already locked) and move each: wait, return or route."""
    assert locked  # noqa: S101 - callers lock the rows (select_for_update) in their transaction
    ids = [inv.pk for inv in inventories]
    lines: dict[int, list[InventoryLine]] = defaultdict(list)
    for line in (
        InventoryLine.objects.filter(inventory_id__in=ids)
        .only("inventory_id", "gnum", "item_no", "gcode", "currency", "total_price")
        .order_by("inventory_id", "gnum")
    ):
        lines[line.inventory_id].append(line)
    order_keys = {(inv.ebp_enterprise_id, inv.order_no) for inv in inventories}
    orders = _keyed(
        Order,
        "ebp_enterprise",
        "order_no",
        order_keys,
        ("ebc_enterprise_id", "ebc_code", "goods_value", "freight", "currency"),
    )
    payments = _keyed(
        Payment,
        "ebp_enterprise",
        "order_no",
        order_keys,
        ("ebc_enterprise_id", "ebc_code", "charge", "currency"),
    )
    waybills = _keyed(
        Waybill,
        "logistics_enterprise",
        "logistics_no",
        {(i.logistics_enterprise_id, i.logistics_no) for i in inventories},
        ("ebc_code",),
    )
    item_nos = {line.item_no for group in lines.values() for line in group}
    owners = {inv.ebc_enterprise_id for inv in inventories} | {inv.owner_enterprise_id for inv in inventories}
    goods = {
        (g.enterprise_id, g.item_no): g
        for g in Goods.objects.filter(enterprise_id__in=owners, item_no__in=item_nos).only(
            "enterprise_id", "item_no", "gcode", "status", "licence", "export_duty", "export_rebate"
        )
    }
    ebcs = Enterprise.objects.in_bulk({inv.ebc_enterprise_id for inv in inventories})
    holders: dict[tuple[int, str], tuple[str, int]] = {}  # (number, e-commerce enterprise)
    condition = Q(pk__in=[])
    by_party: dict[int, list[str]] = defaultdict(list)
    for party_id, number in order_keys:
        by_party[party_id].append(number)
    for party_id, numbers in by_party.items():
        condition |= Q(ebp_enterprise_id=party_id, order_no__in=numbers)
    for party_id, number, invt_no, ebc_id in (
        Inventory.objects.filter(condition, status__in=HOLDING)
        .exclude(pk__in=ids)
        .values_list("ebp_enterprise_id", "order_no", "invt_no", "ebc_enterprise_id")
    ):
        holders[(party_id, number)] = (invt_no, ebc_id)
    convert = _rate_lookup()
    from declarations.transit.selectors import trade_documents_for

    documents = trade_documents_for(inventories)

    outcome_rows: dict[str, list[Inventory]] = {"waiting": [], "returned": [], "passed": []}
    returned_reasons = {}
    for inventory in inventories:
        key = (inventory.ebp_enterprise_id, inventory.order_no)
        outcome = comparison.compare(
            inventory=inventory,
            lines=lines[inventory.pk],
            order=orders.get(key),
            payment=payments.get(key),
            waybill=waybills.get((inventory.logistics_enterprise_id, inventory.logistics_no)),
            goods=goods,
            ebc=ebcs.get(inventory.ebc_enterprise_id),
            other_active_list=holders.get(key),
            to_cny=convert,
            trade_document=documents.get(inventory.pk),
        )
        if outcome.failures:
            outcome_rows["returned"].append(inventory)
            returned_reasons[inventory.pk] = outcome.reasons
        elif outcome.missing:
            outcome_rows["waiting"].append(inventory)
        else:
            outcome_rows["passed"].append(inventory)
            # a second list for the same order in this batch fails
            holders[key] = (inventory.invt_no, inventory.ebc_enterprise_id)

    now = timezone.now()
    returned = outcome_rows["returned"]
    if returned:
        history = []
        for inventory in returned:
            inventory.return_list()
            inventory.return_reasons = returned_reasons[inventory.pk]
            inventory.updated_at = now
            history.append(
                _history(
                    inventory,
                    InventoryStatus.DECLARED,
                    InventoryStatus.RETURNED,
                    returned_note(returned_reasons[inventory.pk]),
                )
            )
        rows_update(returned, ["status", "return_reasons", "updated_at"])
        rows_insert(history)
        receipts_record_list_moves(inventories=returned)
    if outcome_rows["passed"]:
        from declarations.channels.services import inventories_route

        inventories_route(inventories=outcome_rows["passed"])
    return outcome_rows
