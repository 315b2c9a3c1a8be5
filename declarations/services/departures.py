"""Departure (CEB509): the logistics enterprise reports that released parcels left the country.

Each departure names its parcels by logistics number; every one must be a released list the
sender carries, or the whole report is refused (it is one entry, so one transaction). The
lists move released -> departed with the report's leave time.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from customs_portal import texts
from customs_portal.bulk import rows_insert, rows_update
from declarations.exchange.services import receipts_record_list_moves
from declarations.transit import services as transit

from ..models import Departure, Inventory, InventoryStatus
from .common import (
    CODE_BAD_VALUE,
    CODE_KEY_TAKEN,
    CODE_NOT_DEPARTABLE,
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
from .inventories import _history
from .receipts import Receipt

KEY = "copNo"
DEPARTED = texts.define("inventory.departed", gettext_lazy("departure %(cop)s, left %(time)s"))
SEND_AGAIN = texts.define(
    "declarations.receipt.departure_send_again", gettext_lazy("Send the departure again.")
)
BAD_LEAVE_TIME = texts.define(
    "declarations.receipt.departure_leave_time", gettext_lazy("leaveTime must be yyyyMMddHHmmss")
)
KEY_USED = texts.define(
    "declarations.receipt.departure_key_used",
    gettext_lazy("copNo %(key)s was already used by another departure with different content"),
)
NOT_RELEASED = texts.define(
    "declarations.receipt.departure_not_released",
    gettext_lazy("no released declaration list for logisticsNo %(numbers)s; nothing departed"),
)
PARCELS_DEPARTED = texts.define("declarations.receipt.departure_done", gettext_lazy("%(n)d parcels departed"))


def departure_receive_batch(*, entries: list[dict], sender) -> list[Receipt]:
    return receive_with_retry(
        _receive,
        entries=entries,
        sender=sender,
        kind="departure",
        key_field=KEY,
        text=texts.stored(SEND_AGAIN),
    )


def _same_departure(stored: Departure, entry: dict, leave_time) -> bool:
    """A resend under any guid: the same report of the same parcels."""
    return (
        stored.customs_code == entry["customsCode"]
        and stored.traf_mode == entry["trafMode"]
        and stored.leave_time == leave_time
        and stored.logistics_nos == [line["logisticsNo"] for line in entry["lines"]]
        and stored.note == entry.get("note", "")
    )


def _receive(*, entries: list[dict], sender) -> list[Receipt]:
    parties = Parties(codes_of(entries, ("logisticsCode",)))
    receipts: list[Receipt | None] = [None] * len(entries)
    valid: dict[int, tuple] = {}
    for index, entry in enumerate(entries):
        errors: list[str] = []
        logistics = parties.check(entry, "logisticsCode", ("logistics",), errors)
        try:
            leave_time = parse_ceb_time(entry["leaveTime"])
        except ValueError:
            errors.append(info(CODE_BAD_VALUE, texts.stored(BAD_LEAVE_TIME)))
        if errors:
            receipts[index] = rejected(entry, KEY, errors_text(errors))
        else:
            valid[index] = (logistics, leave_time)

    with transaction.atomic():
        keys = defaultdict(list)
        numbers = defaultdict(set)
        # a line may name a total package (CEB607): it departs every list of the package
        packages = transit.departure_package_numbers(
            entries=entries, logistics_ids={index: logistics.pk for index, (logistics, _t) in valid.items()}
        )
        for index, (logistics, _t) in valid.items():
            keys[logistics.pk].append(entries[index][KEY])
            for line in entries[index]["lines"]:
                numbers[logistics.pk].update(
                    transit.departure_line_numbers(line=line, logistics_id=logistics.pk, packages=packages)
                    or ()
                )
        condition = Q(pk__in=[])
        for logistics_id, nos in numbers.items():
            condition |= Q(logistics_enterprise_id=logistics_id, logistics_no__in=nos)
        parcels: dict[tuple[int, str], list[Inventory]] = defaultdict(list)
        for inventory in (
            Inventory.objects.select_for_update()
            .filter(condition, status__in=[InventoryStatus.RELEASED, InventoryStatus.DEPARTED])
            .order_by("pk")
        ):
            parcels[(inventory.logistics_enterprise_id, inventory.logistics_no)].append(inventory)
        # read after the lists are locked: a concurrent report of the same parcels has committed
        # by now, and its departure is seen here (a resend is a duplicate, not "not released")
        condition = Q(pk__in=[])
        for logistics_id, cop_nos in keys.items():
            condition |= Q(logistics_enterprise_id=logistics_id, cop_no__in=cop_nos)
        existing = {(d.logistics_enterprise_id, d.cop_no): d for d in Departure.objects.filter(condition)}

        departures, departing, history = [], [], []
        now = timezone.now()
        for index, (logistics, leave_time) in valid.items():
            entry = entries[index]
            key = (logistics.pk, entry[KEY])
            if key in existing:
                if existing[key].guid == entry["guid"] or _same_departure(existing[key], entry, leave_time):
                    receipts[index] = duplicate(entry, KEY)
                else:
                    receipts[index] = rejected(
                        entry,
                        KEY,
                        info(
                            CODE_KEY_TAKEN,
                            texts.stored(KEY_USED, key=entry[KEY]),
                        ),
                    )
                continue
            problems, lists = [], []
            for line in entry["lines"]:
                named = transit.departure_line_numbers(
                    line=line, logistics_id=logistics.pk, packages=packages
                )
                released = [
                    inv
                    for number in named
                    for inv in parcels.get((logistics.pk, number), ())
                    if inv.status == InventoryStatus.RELEASED
                ]
                if not released:
                    problems.append(line["logisticsNo"])
                else:
                    lists.extend(released)
            lists = list({inv.pk: inv for inv in lists}.values())  # a list named twice departs once
            waiting = transit.lists_not_arrived(lists) if not problems else []
            if waiting:
                receipts[index] = rejected(
                    entry,
                    KEY,
                    info(
                        CODE_NOT_DEPARTABLE,
                        texts.stored(
                            transit.NOT_ARRIVED,
                            customs=", ".join(sorted({inv.port_code for inv in waiting})),
                            numbers=", ".join(inv.logistics_no for inv in waiting),
                        ),
                    ),
                )
                continue
            if problems:
                receipts[index] = rejected(
                    entry,
                    KEY,
                    info(
                        CODE_NOT_DEPARTABLE,
                        texts.stored(NOT_RELEASED, numbers=", ".join(problems)),
                    ),
                )
                continue
            for inventory in lists:
                inventory.depart()  # the FSM's released -> departed (in memory; written below)
                inventory.departed_at = leave_time
                inventory.updated_at = now
                departing.append(inventory)
                history.append(
                    _history(
                        inventory,
                        InventoryStatus.RELEASED,
                        InventoryStatus.DEPARTED,
                        texts.stored(
                            DEPARTED,
                            cop=entry[KEY],
                            time=timezone.localtime(leave_time).strftime("%Y-%m-%d %H:%M"),
                        ),
                    )
                )
            departure = Departure(
                guid=entry["guid"],
                app_time=entry["appTime"],
                customs_code=entry["customsCode"],
                cop_no=entry[KEY],
                logistics_code=entry["logisticsCode"],
                logistics_name=entry["logisticsName"],
                logistics_enterprise=logistics,
                traf_mode=entry["trafMode"],
                leave_time=leave_time,
                logistics_nos=[line["logisticsNo"] for line in entry["lines"]],
                note=entry.get("note", ""),
                sender=sender,
            )
            existing[key] = departure
            departures.append(departure)
            receipts[index] = accepted(entry, KEY, texts.stored(PARCELS_DEPARTED, n=len(lists)))
        Departure.objects.bulk_create(departures)
        rows_update(departing, ["status", "departed_at", "updated_at"])
        rows_insert(history)
        receipts_record_list_moves(inventories=departing)
    record_rejected_receipts(sender=sender, kind="departure", pairs=list(zip(entries, receipts, strict=True)))
    return receipts
