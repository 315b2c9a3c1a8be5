"""Electronic data before declaration: orders (CEB303), payments (CEB403), waybills (CEB505).

One generic batch: parties resolved in one query, existing documents in one query, the
declaration lists that use them in one query, then one DELETE (changes and deletions) and
one or two bulk INSERTs. A document arriving may complete a declared list that was waiting:
those lists are compared again, in bulk, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customs_portal import texts
from customs_portal.bulk import rows_insert

from ..models import Inventory, InventoryStatus, Order, OrderLine, Payment, Waybill
from .common import (
    APP_CHANGE,
    APP_DELETE,
    APP_NEW,
    CODE_IN_USE,
    CODE_KEY_TAKEN,
    CODE_NOT_CHANGEABLE,
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
from .inventories import PARTY_COLUMNS
from .receipts import Receipt

CHANGED_MEANWHILE = texts.define(
    "declarations.receipt.document_conflict",
    _("Another message changed this entry at the same time; send it again."),
)
KEY_FOREIGN = texts.define(
    "declarations.receipt.document_key_foreign", _("%(field)s %(key)s cannot be used: choose another number")
)
KEY_TAKEN = texts.define(
    "declarations.receipt.document_key_taken",
    _("%(field)s %(key)s was already received with different content; send appType 2 to change it"),
)
NOT_RECEIVED = texts.define(
    "declarations.receipt.document_not_received",
    _("%(field)s %(key)s has not been received: there is nothing to change or delete"),
)
IN_USE_BY = texts.define(
    "declarations.receipt.document_in_use_by",
    _("declaration list %(list)s relies on %(field)s %(key)s: it can no longer change"),
)
IN_USE = texts.define(
    "declarations.receipt.document_in_use",
    _("a declaration list relies on %(field)s %(key)s: it can no longer change"),
)

# A list in one of these statuses relies on its documents: they may no longer change.
ACTIVE_LIST_STATUSES = (
    InventoryStatus.DECLARED,
    InventoryStatus.UNDER_REVIEW,
    InventoryStatus.RELEASED,
    InventoryStatus.DEPARTED,
)


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    model: type
    key_field: str  # the entry's business key (orderNo, logisticsNo)
    key_column: str
    key_party: str  # the model's enterprise column that scopes the key
    key_party_field: str  # the entry field naming that enterprise
    parties: tuple[tuple[str, str, tuple[str, ...], bool], ...]  # (field, attr, roles, required)
    columns: dict[str, str]  # entry field -> model column
    inventory_party: str  # the list's enterprise column matching key_party
    inventory_column: str  # the list's column matching key_column
    sender_parties: tuple[str, ...]  # the record's parties that may send, change or delete it
    lines: Callable | None = None  # builds the line rows for one saved document
    lines_model: type | None = None
    lines_fk: str = ""  # the line model's foreign key to the document
    line_columns: tuple[str, ...] = ()  # the lines' business content, compared on a resend

    @property
    def content_columns(self) -> list[str]:
        """What a resend must repeat to be a duplicate: everything but the message's own guid and time."""
        parties = [f"{attr}_id" for _field, attr, _roles, _required in self.parties if attr]
        return [c for c in self.columns.values() if c not in ("guid", "app_time")] + parties


def _order_lines(order: Order, entry: dict) -> list[OrderLine]:
    return [
        OrderLine(
            order=order,
            gnum=line["gnum"],
            item_no=line["itemNo"],
            item_name=line["itemName"],
            item_describe=line.get("itemDescribe", ""),
            bar_code=line.get("barCode", ""),
            unit=line["unit"],
            currency=line["currency"],
            qty=line["qty"],
            price=line["price"],
            total_price=line["totalPrice"],
            note=line.get("note", ""),
        )
        for line in entry["lines"]
    ]


ORDER = DocumentKind(
    kind="order",
    model=Order,
    key_field="orderNo",
    key_column="order_no",
    key_party="ebp_enterprise",
    key_party_field="ebpCode",
    parties=(
        ("ebpCode", "ebp_enterprise", ("platform",), True),
        ("ebcCode", "ebc_enterprise", ("ecommerce",), True),
    ),
    columns={
        "guid": "guid",
        "appTime": "app_time",
        "orderType": "order_type",
        "orderNo": "order_no",
        "ebpCode": "ebp_code",
        "ebpName": "ebp_name",
        "ebcCode": "ebc_code",
        "ebcName": "ebc_name",
        "goodsValue": "goods_value",
        "freight": "freight",
        "currency": "currency",
        "note": "note",
    },  # fmt: skip
    inventory_party="ebp_enterprise",
    inventory_column="order_no",
    sender_parties=("ebp_enterprise", "ebc_enterprise"),
    lines=_order_lines,
    lines_model=OrderLine,
    lines_fk="order",
    line_columns=(
        "gnum",
        "item_no",
        "item_name",
        "item_describe",
        "bar_code",
        "unit",
        "currency",
        "qty",
        "price",
        "total_price",
        "note",
    ),  # fmt: skip
)

PAYMENT = DocumentKind(
    kind="payment",
    model=Payment,
    key_field="orderNo",
    key_column="order_no",
    key_party="ebp_enterprise",
    key_party_field="ebpCode",
    parties=(
        ("ebpCode", "ebp_enterprise", ("platform",), True),
        ("ebcCode", "ebc_enterprise", ("ecommerce",), True),
        ("payCode", "pay_enterprise", ("payment",), True),
    ),
    columns={
        "guid": "guid",
        "appTime": "app_time",
        "ebpCode": "ebp_code",
        "ebpName": "ebp_name",
        "ebcCode": "ebc_code",
        "ebcName": "ebc_name",
        "orderNo": "order_no",
        "payCode": "pay_code",
        "payName": "pay_name",
        "payNo": "pay_no",
        "charge": "charge",
        "currency": "currency",
        "accountingDate": "accounting_date",
        "note": "note",
    },  # fmt: skip
    inventory_party="ebp_enterprise",
    inventory_column="order_no",
    sender_parties=("pay_enterprise",),
)

WAYBILL = DocumentKind(
    kind="waybill",
    model=Waybill,
    key_field="logisticsNo",
    key_column="logistics_no",
    key_party="logistics_enterprise",
    key_party_field="logisticsCode",
    parties=(
        ("logisticsCode", "logistics_enterprise", ("logistics",), True),
        ("ebcCode", None, ("ecommerce",), False),
    ),
    columns={
        "guid": "guid",
        "appTime": "app_time",
        "logisticsCode": "logistics_code",
        "logisticsName": "logistics_name",
        "logisticsNo": "logistics_no",
        "freight": "freight",
        "insuredFee": "insured_fee",
        "currency": "currency",
        "grossWeight": "gross_weight",
        "packNo": "pack_no",
        "goodsInfo": "goods_info",
        "ebcCode": "ebc_code",
        "ebcName": "ebc_name",
        "ebcTelephone": "ebc_telephone",
        "note": "note",
    },  # fmt: skip
    inventory_party="logistics_enterprise",
    inventory_column="logistics_no",
    sender_parties=("logistics_enterprise",),
)


def _key_query(kind: DocumentKind, keys: set[tuple[int, str]], party: str, column: str) -> Q:
    by_party: dict[int, list[str]] = {}
    for party_id, number in keys:
        by_party.setdefault(party_id, []).append(number)
    condition = Q(pk__in=[])
    for party_id, numbers in by_party.items():
        condition |= Q(**{f"{party}_id": party_id, f"{column}__in": numbers})
    return condition


def _active_lists(kind: DocumentKind, keys: set[tuple[int, str]], sender) -> dict[tuple[int, str], str]:
    """The active declaration list relying on each document key (one query).

    The list's number is named only to one of its own parties; to anyone else it is "a list".
    """
    if not keys:
        return {}
    rows = Inventory.objects.filter(
        _key_query(kind, keys, kind.inventory_party, kind.inventory_column), status__in=ACTIVE_LIST_STATUSES
    ).values_list(
        f"{kind.inventory_party}_id",
        kind.inventory_column,
        "invt_no",
        "cop_no",
        *(f"{p}_id" for p in PARTY_COLUMNS),
    )
    lists = {}
    for party_id, number, invt_no, cop_no, *party_ids in rows:
        lists[(party_id, number)] = (invt_no or cop_no) if sender.pk in party_ids else ""
    return lists


def _build(kind: DocumentKind, entry: dict, resolved: dict, sender):
    values = {column: entry[name] for name, column in kind.columns.items() if name in entry}
    for attr, enterprise in resolved.items():
        values[attr] = enterprise
    return kind.model(sender=sender, **values)


def _same_content(
    kind: DocumentKind, stored, stored_lines: list, entry: dict, resolved: dict, sender
) -> bool:
    """A resend under any guid: the entry says exactly what the stored document says."""
    received = _build(kind, entry, resolved, sender)
    if not same_values(stored, received, kind.content_columns):
        return False
    if not kind.lines:
        return True
    fresh = kind.lines(received, entry)
    return len(fresh) == len(stored_lines) and all(
        same_values(old, new, kind.line_columns) for old, new in zip(stored_lines, fresh, strict=True)
    )


def receive_documents(kind: DocumentKind, *, entries: list[dict], sender) -> list[Receipt]:
    return receive_with_retry(
        lambda **kw: _receive(kind, **kw),
        entries=entries,
        sender=sender,
        kind=kind.kind,
        key_field=kind.key_field,
        text=texts.stored(CHANGED_MEANWHILE),
    )


def _receive(kind: DocumentKind, *, entries: list[dict], sender) -> list[Receipt]:
    parties = Parties(codes_of(entries, (p[0] for p in kind.parties)))
    receipts: list[Receipt | None] = [None] * len(entries)
    resolved_by_index: dict[int, dict] = {}
    keys: set[tuple[int, str]] = set()
    for index, entry in enumerate(entries):
        errors: list[str] = []
        resolved = {}
        for field, attr, roles, required in kind.parties:
            if not required and not entry.get(field):
                continue
            enterprise = parties.check(entry, field, roles, errors)
            if attr and enterprise is not None:
                resolved[attr] = enterprise
        if errors:
            receipts[index] = rejected(entry, kind.key_field, errors_text(errors))
            continue
        resolved_by_index[index] = resolved
        keys.add((resolved[kind.key_party].pk, entry[kind.key_field]))

    with transaction.atomic():
        existing = {
            (getattr(doc, f"{kind.key_party}_id"), getattr(doc, kind.key_column)): doc
            for doc in kind.model.objects.select_for_update()
            .filter(_key_query(kind, keys, kind.key_party, kind.key_column))
            .order_by("pk")
        }
        # another enterprise's document under the same key: it does not exist for this sender
        foreign = {key for key, doc in existing.items() if not is_party(doc, sender, kind.sender_parties)}
        for key in foreign:
            del existing[key]
        stored_lines: dict[int, list] = {}
        if kind.lines and existing:
            for line in kind.lines_model.objects.filter(
                **{f"{kind.lines_fk}__in": list(existing.values())}
            ).order_by(kind.lines_fk, "gnum"):
                stored_lines.setdefault(getattr(line, f"{kind.lines_fk}_id"), []).append(line)
        change_keys = {
            (resolved_by_index[i][kind.key_party].pk, entries[i][kind.key_field])
            for i in resolved_by_index
            if entries[i].get("appType") in (APP_CHANGE, APP_DELETE)
        }
        in_use = _active_lists(kind, change_keys & set(existing), sender)

        state: dict[tuple[int, str], object] = dict(existing)  # key -> current document (or None)
        fresh_lines: dict[tuple[int, str], list] = {}  # lines of documents written in this batch
        to_delete: set[int] = set()
        to_create: dict[tuple[int, str], tuple[object, dict]] = {}
        touched: set[tuple[int, str]] = set()
        for index, resolved in resolved_by_index.items():
            entry = entries[index]
            key = (resolved[kind.key_party].pk, entry[kind.key_field])
            current = state.get(key)
            app_type = entry.get("appType", APP_NEW)
            if key in foreign and app_type == APP_NEW:
                # the key is the platform's numbering and another enterprise's document holds
                # it: say so without naming whose it is, what it holds or where it stands
                receipts[index] = rejected(
                    entry,
                    kind.key_field,
                    info(
                        CODE_KEY_TAKEN,
                        texts.stored(KEY_FOREIGN, field=kind.key_field, key=entry[kind.key_field]),
                    ),
                )
                continue
            if current is not None and app_type != APP_DELETE:
                lines = fresh_lines.get(key) if not current.pk else stored_lines.get(current.pk, [])
                if current.guid == entry["guid"] or _same_content(
                    kind, current, lines or [], entry, resolved, sender
                ):
                    receipts[index] = duplicate(entry, kind.key_field)
                    continue
            if app_type == APP_NEW:
                if current is not None:
                    receipts[index] = rejected(
                        entry,
                        kind.key_field,
                        info(
                            CODE_KEY_TAKEN,
                            texts.stored(KEY_TAKEN, field=kind.key_field, key=entry[kind.key_field]),
                        ),
                    )
                    continue
            else:
                if current is None:
                    receipts[index] = rejected(
                        entry,
                        kind.key_field,
                        info(
                            CODE_NOT_CHANGEABLE,
                            texts.stored(NOT_RECEIVED, field=kind.key_field, key=entry[kind.key_field]),
                        ),
                    )
                    continue
                if key in in_use:
                    text = texts.stored(
                        IN_USE_BY if in_use[key] else IN_USE,
                        list=in_use[key],
                        field=kind.key_field,
                        key=entry[kind.key_field],
                    )
                    receipts[index] = rejected(
                        entry,
                        kind.key_field,
                        info(
                            CODE_IN_USE,
                            text,
                        ),
                    )
                    continue
                if current.pk:
                    to_delete.add(current.pk)
                to_create.pop(key, None)
                state[key] = None
                if app_type == APP_DELETE:
                    receipts[index] = accepted(entry, kind.key_field)
                    touched.add(key)
                    continue
            document = _build(kind, entry, resolved, sender)
            to_create[key] = (document, entry)
            state[key] = document
            if kind.lines:
                fresh_lines[key] = kind.lines(document, entry)
            touched.add(key)
            receipts[index] = accepted(entry, kind.key_field)

        if to_delete:
            kind.model.objects.filter(pk__in=to_delete).delete()
        if to_create:
            documents = rows_insert([doc for doc, _entry in to_create.values()], returning=True)
            if kind.lines:
                rows = []
                for document, (_doc, entry) in zip(documents, to_create.values(), strict=True):
                    rows.extend(kind.lines(document, entry))
                rows_insert(rows)
        if touched:
            from .inventories import inventories_compare_waiting

            inventories_compare_waiting(
                condition=_key_query(kind, touched, kind.inventory_party, kind.inventory_column)
            )
    record_rejected_receipts(sender=sender, kind=kind.kind, pairs=list(zip(entries, receipts, strict=True)))
    return receipts


def order_receive_batch(*, entries: list[dict], sender) -> list[Receipt]:
    """CEB303 orders; key (platform, orderNo)."""
    return receive_documents(ORDER, entries=entries, sender=sender)


def payment_receive_batch(*, entries: list[dict], sender) -> list[Receipt]:
    """CEB403 payment receipts; key (platform, orderNo)."""
    return receive_documents(PAYMENT, entries=entries, sender=sender)


def waybill_receive_batch(*, entries: list[dict], sender) -> list[Receipt]:
    """CEB505 waybills; key (logistics enterprise, logisticsNo).

    A waybill is the parcel's collection: in the same transaction, the stored lists under it
    whose e-commerce enterprise opted in are declared (declarations.transit).
    """
    from declarations.transit.services import inventories_declare_on_collection

    with transaction.atomic():
        receipts = receive_documents(WAYBILL, entries=entries, sender=sender)
        collected = {
            entry["logisticsNo"]
            for entry, receipt in zip(entries, receipts, strict=True)
            if receipt.status == "accepted" and entry.get("appType", APP_NEW) != APP_DELETE
        }
        inventories_declare_on_collection(logistics=sender, numbers=collected)
    return receipts
