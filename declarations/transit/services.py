"""Declared on collection, waybill summaries (CEB607), arrival (CEB507), and what departure
(CEB509) asks of them.

- ``auto_declaration_set``: an e-commerce enterprise opts in (or out) of having its stored
  lists declared when the logistics enterprise's waybill (the collection information) arrives;
  each change is a line in the enterprise's change log.
- ``inventories_declare_on_collection``: called by the waybill intake in its transaction; the
  opted-in enterprises' stored lists with that waybill (logisticsCode + logisticsNo) are
  declared exactly as a resend with appStatus 2 would declare them (inventory number, frozen,
  compared, routed), with a history note saying why and a CEB604 receipt.
- ``waybill_summary_receive_batch`` (CEB607): released lists grouped into total packages under
  a bill of lading. ``arrival_receive_batch`` (CEB507): released lists arrived at the
  supervision site, named by waybill or by total package.
- ``departure_package_numbers`` / ``lists_not_arrived``: a departure may name a total package,
  and at an exit customs listed in ``ArrivalRequiredCustoms`` a list departs only once arrived.

Every report is keyed (logistics enterprise, copNo) and names only the sender's own parcels:
another enterprise's waybill or package does not exist for it (the same answer as a number
nobody holds).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customs_portal import texts
from customs_portal.bulk import rows_insert, rows_update
from customs_portal.errors import ApplicationError
from declarations.exchange.services import receipts_record_list_moves
from declarations.models import Inventory, InventoryStatus
from declarations.services.common import (
    APP_NEW,
    CODE_BAD_VALUE,
    CODE_KEY_TAKEN,
    CODE_NOT_CHANGEABLE,
    Parties,
    accepted,
    codes_of,
    duplicate,
    errors_text,
    info,
    parse_ceb_time,
    receive_with_retry,
    record_rejected_receipts,
    rejected,
)
from declarations.services.inventories import _history, _number, compare_and_route
from declarations.services.receipts import Receipt

from .models import Arrival, ArrivalRequiredCustoms, AutoDeclaration, ListTransit, WaybillSummary

KEY = "copNo"
CODE_NOT_FOUND = "4010"  # a named waybill or total package is not one of the sender's released lists

# --- texts (stored: read in each reader's language) -------------------------------------------
AUTO_ON = texts.define(
    "transit.auto_declaration.on",
    _("Stored declaration lists are now declared when the logistics enterprise's waybill arrives"),
)
AUTO_OFF = texts.define(
    "transit.auto_declaration.off",
    _("Stored declaration lists are no longer declared when the waybill arrives"),
)
DECLARED_ON_COLLECTION = texts.define(
    "inventory.declared_on_collection",
    _(
        "declared on collection: waybill %(waybill)s of %(logistics)s arrived, and the e-commerce "
        "enterprise has its stored lists declared when the parcel is collected"
    ),
)
GROUPED = texts.define(
    "inventory.grouped", _("waybill summary %(cop)s: bill of lading %(bill)s, total package %(package)s")
)
ARRIVED = texts.define("inventory.arrived", _("arrived at the supervision site (arrival %(cop)s, %(time)s)"))
SEND_AGAIN = texts.define("transit.receipt.send_again", _("Send the report again."))
KEY_USED = texts.define(
    "transit.receipt.key_used",
    _("copNo %(key)s was already used by another report with different content"),
)
NOT_CHANGED = texts.define(
    "transit.receipt.not_changed",
    _(
        "a report is not changed or deleted (appType %(type)s): send a new one with a new copNo; "
        "the newest grouping of a list applies"
    ),
)
BAD_APP_TIME = texts.define("transit.receipt.app_time", _("appTime must be yyyyMMddHHmmss"))
NOT_RELEASED = texts.define(
    "transit.receipt.not_released",
    _("no released declaration list for %(numbers)s; nothing was recorded"),
)
WRONG_INVT_NO = texts.define(
    "transit.receipt.wrong_invt_no", _("logisticsNo %(number)s with invtNo %(invt)s")
)
LISTS_GROUPED = texts.define("transit.receipt.grouped", _("%(n)d lists grouped under bill %(bill)s"))
LISTS_ARRIVED = texts.define("transit.receipt.arrived", _("%(n)d parcels arrived"))
NOT_ARRIVED = texts.define(
    "declarations.receipt.departure_not_arrived",
    _(
        "exit customs %(customs)s requires arrival first: logisticsNo %(numbers)s has not arrived; nothing departed"
    ),
)


# --- declaration on collection ----------------------------------------------------------------
def auto_declaration_enabled(*, enterprise) -> bool:
    return AutoDeclaration.objects.filter(enterprise=enterprise, enabled=True).exists()


def auto_declaration_set(*, enterprise, actor, enabled: bool) -> bool:
    """Turn declaration on collection on or off; True if it changed (with a change-log line).

    An enterprise administrator sets it for their own e-commerce enterprise; customs staff set
    it in admin (``actor`` is then staff).
    """
    from registration.models import EnterpriseHistory

    if not actor.is_staff and (actor.enterprise_id != enterprise.pk or not actor.is_enterprise_admin):
        raise ApplicationError("not_admin", _("Only the enterprise's administrator can do this."))
    if enabled and not enterprise.has_role("ecommerce"):
        raise ApplicationError(
            "not_ecommerce",
            _("Only a cross-border e-commerce enterprise declares lists; this enterprise is not one."),
        )
    with transaction.atomic():
        setting, _created = AutoDeclaration.objects.select_for_update().get_or_create(enterprise=enterprise)
        if setting.enabled == enabled:
            return False
        setting.enabled = enabled
        setting.save()
        EnterpriseHistory.objects.create(
            enterprise=enterprise,
            actor=actor,
            from_status=enterprise.status,
            to_status=enterprise.status,
            reason=texts.stored(AUTO_ON if enabled else AUTO_OFF),
        )
    return True


def inventories_declare_on_collection(*, logistics, numbers: set[str]) -> list[Inventory]:
    """Declare the stored lists carried under ``numbers`` by ``logistics`` whose e-commerce
    enterprise opted in; run inside the waybill's transaction. A list already declared is not
    stored any more, so a resent waybill declares nothing twice."""
    if not numbers:
        return []
    opted_in = AutoDeclaration.objects.filter(enabled=True).values("enterprise_id")
    lists = list(
        Inventory.objects.select_for_update()
        .filter(
            logistics_enterprise=logistics,
            logistics_no__in=numbers,
            status=InventoryStatus.STORED,
            ebc_enterprise_id__in=opted_in,
        )
        .order_by("pk")
    )
    if not lists:
        return []
    now = timezone.now()
    _number(lists)
    history = []
    for inventory in lists:
        inventory.declare()  # the FSM's stored -> declared (in memory; written below)
        inventory.declared_at = now
        inventory.updated_at = now
        history.append(
            _history(
                inventory,
                InventoryStatus.STORED,
                InventoryStatus.DECLARED,
                texts.stored(
                    DECLARED_ON_COLLECTION, waybill=inventory.logistics_no, logistics=logistics.name
                ),
            )
        )
    # as a resend with appStatus 2: status and number first, then appStatus 2 (the trigger
    # freezes a list once its appStatus is 2)
    rows_update(lists, ["invt_no", "status", "declared_at", "updated_at"])
    rows_insert(history)
    Inventory.objects.filter(pk__in=[inv.pk for inv in lists]).update(app_status="2")
    for inventory in lists:
        inventory.app_status = "2"
    receipts_record_list_moves(inventories=lists)  # CEB604 120: declared
    compare_and_route(lists, locked=True)
    return lists


# --- shared by the reports ---------------------------------------------------------------------
def _lists_by_number(logistics_ids_numbers: dict[int, set[str]]) -> dict[tuple[int, str], list[Inventory]]:
    """The lists (locked) of each logistics enterprise under the given waybill numbers."""
    condition = Q(pk__in=[])
    for logistics_id, numbers in logistics_ids_numbers.items():
        condition |= Q(logistics_enterprise_id=logistics_id, logistics_no__in=numbers)
    found: dict[tuple[int, str], list[Inventory]] = defaultdict(list)
    for inventory in Inventory.objects.select_for_update().filter(condition).order_by("pk"):
        found[(inventory.logistics_enterprise_id, inventory.logistics_no)].append(inventory)
    return found


def _packages(keys: set[tuple[int, str]]) -> dict[tuple[int, str], set[str]]:
    """{(logistics enterprise, total package): its waybill numbers} (one query)."""
    by_party: dict[int, set[str]] = defaultdict(set)
    for party, package in keys:
        by_party[party].add(package)
    condition = Q(pk__in=[])
    for party, packages in by_party.items():
        condition |= Q(logistics_enterprise_id=party, total_package_no__in=packages)
    found: dict[tuple[int, str], set[str]] = defaultdict(set)
    if by_party:
        for party, package, number in ListTransit.objects.filter(condition).values_list(
            "logistics_enterprise_id", "total_package_no", "inventory__logistics_no"
        ):
            found[(party, package)].add(number)
    return found


def _transits(inventories: list[Inventory]) -> dict[int, ListTransit]:
    """Each list's transit row, locked, created in memory where there is none yet."""
    if not inventories:
        return {}
    existing = {
        row.pk: row
        for row in ListTransit.objects.select_for_update().filter(
            inventory__in=[inv.pk for inv in inventories]
        )
    }
    for inventory in inventories:
        if inventory.pk not in existing:
            existing[inventory.pk] = ListTransit(
                inventory=inventory, logistics_enterprise_id=inventory.logistics_enterprise_id
            )
            existing[inventory.pk]._fresh = True
    return existing


def _save_transits(rows, fields: list[str]) -> None:
    fresh = [row for row in rows if getattr(row, "_fresh", False)]
    old = [row for row in rows if not getattr(row, "_fresh", False)]
    if fresh:
        ListTransit.objects.bulk_create(fresh)
        for row in fresh:
            row._fresh = False
    if old:
        ListTransit.objects.bulk_update(old, fields)


def _same_report(stored, entry: dict, lines_field: str, columns: dict[str, str]) -> bool:
    """A resend under any guid: the same report of the same parcels."""
    return all(getattr(stored, column) == entry.get(name, "") for name, column in columns.items()) and (
        stored.lines == _lines(entry, lines_field)
    )


def _lines(entry: dict, fields: tuple[str, ...] | str) -> list[dict]:
    if isinstance(fields, str):
        fields = (fields,)
    return [{name: line.get(name, "") for name in ("logisticsNo", *fields)} for line in entry["lines"]]


def _existing(model, keys: dict[int, list[str]]) -> dict[tuple[int, str], object]:
    condition = Q(pk__in=[])
    for party, cop_nos in keys.items():
        condition |= Q(logistics_enterprise_id=party, cop_no__in=cop_nos)
    return {(row.logistics_enterprise_id, row.cop_no): row for row in model.objects.filter(condition)}


def _check_head(entry: dict, parties: Parties):
    errors: list = []
    logistics = parties.check(entry, "logisticsCode", ("logistics",), errors)
    if entry.get("appType", APP_NEW) != APP_NEW:
        errors.append(info(CODE_NOT_CHANGEABLE, texts.stored(NOT_CHANGED, type=entry["appType"])))
    return logistics, errors


def _named_lists(entry: dict, logistics, lists, packages, *, with_invt_no: bool):
    """The released lists a report's lines name, or the lines that name nothing of the
    sender's that is released. A line of an arrival names its waybill and, when it gives a
    total package the sender grouped (CEB607), every list of that package too."""
    named: dict[int, Inventory] = {}
    problems: list = []
    per_line: list[list[Inventory]] = []
    for line in entry["lines"]:
        number = line["logisticsNo"]
        own = [inv for inv in lists.get((logistics.pk, number), ()) if inv.status == InventoryStatus.RELEASED]
        if not own or (
            with_invt_no and line.get("invtNo") and not any(inv.invt_no == line["invtNo"] for inv in own)
        ):
            problems.append(
                texts.stored(WRONG_INVT_NO, number=number, invt=line["invtNo"])
                if own
                else f"logisticsNo {number}"
            )
            per_line.append([])
            continue
        found = list(own)
        if not with_invt_no:
            for member in packages.get((logistics.pk, line.get("totalPackageNo", "")), ()):
                if member != number:
                    found += [
                        inv
                        for inv in lists.get((logistics.pk, member), ())
                        if inv.status == InventoryStatus.RELEASED
                    ]
        per_line.append(found)
        for inv in found:
            named[inv.pk] = inv
    return named, per_line, problems


# --- CEB607 waybill summary --------------------------------------------------------------------
SUMMARY_COLUMNS = {
    "customsCode": "customs_code", "agentCode": "agent_code", "trafMode": "traf_mode",
    "trafName": "traf_name", "voyageNo": "voyage_no", "billNo": "bill_no", "note": "note",
}  # fmt: skip


def waybill_summary_receive_batch(*, entries: list[dict], sender) -> list[Receipt]:
    return receive_with_retry(
        _receive_summaries,
        entries=entries,
        sender=sender,
        kind="waybill_summary",
        key_field=KEY,
        text=texts.stored(SEND_AGAIN),
    )


def _receive_summaries(*, entries: list[dict], sender) -> list[Receipt]:
    parties = Parties(codes_of(entries, ("logisticsCode",)))
    receipts: list[Receipt | None] = [None] * len(entries)
    valid: dict[int, object] = {}
    for index, entry in enumerate(entries):
        logistics, errors = _check_head(entry, parties)
        if errors:
            receipts[index] = rejected(entry, KEY, errors_text(errors))
        else:
            valid[index] = logistics

    with transaction.atomic():
        keys: dict[int, list[str]] = defaultdict(list)
        numbers: dict[int, set[str]] = defaultdict(set)
        for index, logistics in valid.items():
            keys[logistics.pk].append(entries[index][KEY])
            numbers[logistics.pk].update(line["logisticsNo"] for line in entries[index]["lines"])
        lists = _lists_by_number(numbers)
        existing = _existing(WaybillSummary, keys)
        history, pending = [], []
        for index, logistics in valid.items():
            entry = entries[index]
            key = (logistics.pk, entry[KEY])
            if key in existing:
                stored = existing[key]
                if stored.guid == entry["guid"] or _same_report(
                    stored, entry, ("totalPackageNo", "invtNo"), SUMMARY_COLUMNS
                ):
                    receipts[index] = duplicate(entry, KEY)
                else:
                    receipts[index] = rejected(
                        entry, KEY, info(CODE_KEY_TAKEN, texts.stored(KEY_USED, key=entry[KEY]))
                    )
                continue
            named, per_line, problems = _named_lists(entry, logistics, lists, {}, with_invt_no=True)
            if problems:
                receipts[index] = rejected(
                    entry,
                    KEY,
                    info(CODE_NOT_FOUND, texts.stored(NOT_RELEASED, numbers=texts.joined(problems, ", "))),
                )
                continue
            summary = WaybillSummary(
                guid=entry["guid"],
                app_time=entry["appTime"],
                customs_code=entry["customsCode"],
                cop_no=entry[KEY],
                agent_code=entry["agentCode"],
                agent_name=entry["agentName"],
                loct_no=entry.get("loctNo", ""),
                traf_mode=entry["trafMode"],
                traf_name=entry["trafName"],
                voyage_no=entry["voyageNo"],
                bill_no=entry["billNo"],
                domestic_traf_no=entry.get("domesticTrafNo", ""),
                gross_weight=entry["grossWeight"],
                logistics_code=entry["logisticsCode"],
                logistics_name=entry["logisticsName"],
                logistics_enterprise=logistics,
                lines=_lines(entry, ("totalPackageNo", "invtNo")),
                note=entry.get("note", ""),
                sender=sender,
            )
            existing[key] = summary  # a resend later in this batch is its duplicate
            pending.append((entry, summary, per_line))
            receipts[index] = accepted(
                entry, KEY, texts.stored(LISTS_GROUPED, n=len(named), bill=summary.bill_no)
            )
        # written in bulk: the summaries, then every named list's transit row (the newest
        # grouping of a list in the batch applies), then the history
        WaybillSummary.objects.bulk_create([summary for _e, summary, _p in pending])
        transits = _transits([inv for _e, _s, per_line in pending for found in per_line for inv in found])
        for entry, summary, per_line in pending:
            for line, found in zip(entry["lines"], per_line, strict=True):
                package = line.get("totalPackageNo", "")
                for inventory in found:
                    row = transits[inventory.pk]
                    row.waybill_summary = summary
                    row.bill_no = summary.bill_no
                    row.total_package_no = package
                    history.append(
                        _history(
                            inventory,
                            inventory.status,
                            inventory.status,
                            texts.stored(
                                GROUPED, cop=summary.cop_no, bill=summary.bill_no, package=package or "—"
                            ),
                        )
                    )
        _save_transits(list(transits.values()), ["waybill_summary", "bill_no", "total_package_no"])
        rows_insert(history)
    record_rejected_receipts(
        sender=sender, kind="waybill_summary", pairs=list(zip(entries, receipts, strict=True))
    )
    return receipts


# --- CEB507 arrival ----------------------------------------------------------------------------
ARRIVAL_COLUMNS = {
    "customsCode": "customs_code", "operatorCode": "operator_code", "trafMode": "traf_mode",
    "billNo": "bill_no", "domesticTrafNo": "domestic_traf_no", "note": "note",
}  # fmt: skip


def arrival_receive_batch(*, entries: list[dict], sender) -> list[Receipt]:
    return receive_with_retry(
        _receive_arrivals,
        entries=entries,
        sender=sender,
        kind="arrival",
        key_field=KEY,
        text=texts.stored(SEND_AGAIN),
    )


def _receive_arrivals(*, entries: list[dict], sender) -> list[Receipt]:
    parties = Parties(codes_of(entries, ("logisticsCode",)))
    receipts: list[Receipt | None] = [None] * len(entries)
    valid: dict[int, tuple] = {}
    for index, entry in enumerate(entries):
        logistics, errors = _check_head(entry, parties)
        try:
            arrived_at = parse_ceb_time(entry["appTime"])
        except ValueError:
            errors.append(info(CODE_BAD_VALUE, texts.stored(BAD_APP_TIME)))
        if errors:
            receipts[index] = rejected(entry, KEY, errors_text(errors))
        else:
            valid[index] = (logistics, arrived_at)

    with transaction.atomic():
        keys: dict[int, list[str]] = defaultdict(list)
        package_keys: set[tuple[int, str]] = set()
        for index, (logistics, _t) in valid.items():
            keys[logistics.pk].append(entries[index][KEY])
            package_keys.update(
                (logistics.pk, line["totalPackageNo"])
                for line in entries[index]["lines"]
                if line.get("totalPackageNo")
            )
        packages = _packages(package_keys)
        numbers: dict[int, set[str]] = defaultdict(set)
        for index, (logistics, _t) in valid.items():
            for line in entries[index]["lines"]:
                numbers[logistics.pk].add(line["logisticsNo"])
                numbers[logistics.pk].update(packages.get((logistics.pk, line.get("totalPackageNo", "")), ()))
        lists = _lists_by_number(numbers)
        existing = _existing(Arrival, keys)
        history, pending = [], []
        for index, (logistics, arrived_at) in valid.items():
            entry = entries[index]
            key = (logistics.pk, entry[KEY])
            if key in existing:
                stored = existing[key]
                if stored.guid == entry["guid"] or _same_report(
                    stored, entry, "totalPackageNo", ARRIVAL_COLUMNS
                ):
                    receipts[index] = duplicate(entry, KEY)
                else:
                    receipts[index] = rejected(
                        entry, KEY, info(CODE_KEY_TAKEN, texts.stored(KEY_USED, key=entry[KEY]))
                    )
                continue
            named, _per_line, problems = _named_lists(entry, logistics, lists, packages, with_invt_no=False)
            if problems:
                receipts[index] = rejected(
                    entry,
                    KEY,
                    info(CODE_NOT_FOUND, texts.stored(NOT_RELEASED, numbers=texts.joined(problems, ", "))),
                )
                continue
            arrival = Arrival(
                guid=entry["guid"],
                app_time=entry["appTime"],
                customs_code=entry["customsCode"],
                cop_no=entry[KEY],
                operator_code=entry["operatorCode"],
                operator_name=entry["operatorName"],
                loct_no=entry.get("loctNo", ""),
                logistics_code=entry["logisticsCode"],
                logistics_name=entry["logisticsName"],
                logistics_enterprise=logistics,
                traf_mode=entry["trafMode"],
                bill_no=entry.get("billNo", ""),
                domestic_traf_no=entry["domesticTrafNo"],
                arrived_at=arrived_at,
                lines=_lines(entry, "totalPackageNo"),
                note=entry.get("note", ""),
                sender=sender,
            )
            existing[key] = arrival  # a resend later in this batch is its duplicate
            pending.append((arrival, list(named.values())))
            receipts[index] = accepted(entry, KEY, texts.stored(LISTS_ARRIVED, n=len(named)))
        Arrival.objects.bulk_create([arrival for arrival, _lists in pending])
        transits = _transits([inv for _a, named in pending for inv in named])
        for arrival, named in pending:
            for inventory in named:
                row = transits[inventory.pk]
                if row.arrived_at is None:  # the first arrival counts; a later report changes nothing
                    row.arrival = arrival
                    row.arrived_at = arrival.arrived_at
                    history.append(
                        _history(
                            inventory,
                            inventory.status,
                            inventory.status,
                            texts.stored(
                                ARRIVED,
                                cop=arrival.cop_no,
                                time=timezone.localtime(arrival.arrived_at).strftime("%Y-%m-%d %H:%M"),
                            ),
                        )
                    )
        _save_transits(list(transits.values()), ["arrival", "arrived_at"])
        rows_insert(history)
    record_rejected_receipts(sender=sender, kind="arrival", pairs=list(zip(entries, receipts, strict=True)))
    return receipts


# --- what departure (CEB509) asks ----------------------------------------------------------------
def departure_package_numbers(*, entries: list[dict], logistics_ids: dict[int, int]) -> dict:
    """{(logistics enterprise, total package): its waybill numbers} for the packages the
    departures' lines name (``logistics_ids``: entry index -> logistics enterprise)."""
    keys = {
        (logistics_ids[index], line["totalPackageNo"])
        for index in logistics_ids
        for line in entries[index]["lines"]
        if line.get("totalPackageNo")
    }
    return _packages(keys)


def departure_line_numbers(*, line: dict, logistics_id: int, packages: dict) -> list[str]:
    """The waybills a departure's line names: its own and, when it gives a total package the
    carrier grouped (CEB607), every one of the package's. A package nobody grouped names only
    the line's own waybill, as before total packages were kept."""
    numbers = {line["logisticsNo"]}
    numbers.update(packages.get((logistics_id, line.get("totalPackageNo", "")), ()))
    return sorted(numbers)


def lists_not_arrived(inventories: list[Inventory]) -> list[Inventory]:
    """The lists whose exit customs requires arrival and that have not arrived (two queries)."""
    if not inventories:
        return []
    requiring = set(ArrivalRequiredCustoms.objects.values_list("customs_code", flat=True))
    concerned = [inv for inv in inventories if inv.port_code in requiring]
    if not concerned:
        return []
    arrived = set(
        ListTransit.objects.filter(
            inventory__in=[inv.pk for inv in concerned], arrived_at__isnull=False
        ).values_list("inventory_id", flat=True)
    )
    return [inv for inv in concerned if inv.pk not in arrived]


# --- 9710 / 9810: the list's own document ----------------------------------------------------------
DOCUMENT_RECORDED = texts.define("inventory.trade_document", _("%(document)s recorded: %(reference)s"))
# the lists a document may still be recorded for: before the comparison has passed
DOCUMENT_STATUSES = (InventoryStatus.STORED, InventoryStatus.DECLARED)


def trade_document_record(*, enterprise, pk: int, actor, reference: str):
    """Record the B2B contract (9710) or overseas warehouse reference (9810) of one of the
    enterprise's lists; a declared list waiting for it is compared again at once."""
    from declarations.services.inventories import SENDING_PARTIES

    from .models import TradeDocument
    from .trade_modes import DOCUMENT_IDS, OWN_DOCUMENT

    reference = (reference or "").strip()
    if not reference or len(reference) > 100:
        raise ApplicationError("bad_reference", _("Enter the reference (at most 100 characters)."))
    with transaction.atomic():
        party = Q()
        for attr in SENDING_PARTIES:
            party |= Q(**{f"{attr}_id": enterprise.pk})
        inventory = Inventory.objects.select_for_update().filter(party, pk=pk).first()
        if inventory is None:
            raise ApplicationError("not_found", _("No such declaration list."))
        if inventory.trade_mode not in OWN_DOCUMENT:
            raise ApplicationError(
                "no_document", _("Only 9710 and 9810 lists carry a document of their own.")
            )
        if inventory.status not in DOCUMENT_STATUSES:
            raise ApplicationError(
                "too_late", _("The list has been compared already; its document can no longer change.")
            )
        TradeDocument.objects.update_or_create(
            inventory=inventory, defaults={"reference": reference, "recorded_by": actor}
        )
        _history(
            inventory,
            inventory.status,
            inventory.status,
            texts.stored(
                DOCUMENT_RECORDED,
                document=texts.stored(DOCUMENT_IDS[inventory.trade_mode]),
                reference=reference,
            ),
            actor=actor,
        ).save()
        if inventory.status == InventoryStatus.DECLARED:
            compare_and_route([inventory], locked=True)
    return inventory
