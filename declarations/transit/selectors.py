"""Reads for the lists' pages: where a list stands on its way out (package, arrival)."""

from __future__ import annotations

from .models import AutoDeclaration, ListTransit, TradeDocument


def transit_of(*, inventory) -> ListTransit | None:
    """The list's package and arrival (the caller has already scoped the list to its enterprise)."""
    return (
        ListTransit.objects.filter(inventory=inventory).select_related("waybill_summary", "arrival").first()
    )


def transit_attach(rows) -> None:
    """Give each list of a page its ``transit`` row (or None), in one query."""
    rows = list(rows)
    found = {row.pk: row for row in ListTransit.objects.filter(inventory__in=[inv.pk for inv in rows])}
    for inv in rows:
        inv.transit_row = found.get(inv.pk)


def trade_document_of(*, inventory) -> TradeDocument | None:
    return TradeDocument.objects.filter(inventory=inventory).first()


def auto_declaration_enabled(*, enterprise) -> bool:
    return AutoDeclaration.objects.filter(enterprise=enterprise, enabled=True).exists()


def trade_documents_for(inventories) -> dict:
    """{list id: its TradeDocument} of the lists whose trade mode carries one (one query, none
    when no list of the batch is 9710 or 9810)."""
    from .trade_modes import OWN_DOCUMENT

    ids = [inv.pk for inv in inventories if inv.trade_mode in OWN_DOCUMENT]
    if not ids:
        return {}
    return {doc.pk: doc for doc in TradeDocument.objects.filter(inventory__in=ids)}


def detail_context(*, inventory, enterprise) -> dict:
    """What the list's page shows of its way out and its trade mode."""
    from declarations.services.inventories import SENDING_PARTIES

    from .services import DOCUMENT_STATUSES
    from .trade_modes import OWN_DOCUMENT, label

    document_label = OWN_DOCUMENT.get(inventory.trade_mode)
    may_record = (
        document_label is not None
        and inventory.status in DOCUMENT_STATUSES
        and any(getattr(inventory, f"{attr}_id") == enterprise.pk for attr in SENDING_PARTIES)
    )
    return {
        "transit": transit_of(inventory=inventory),
        "trade_mode_label": label(inventory.trade_mode),
        "trade_document": trade_document_of(inventory=inventory) if document_label else None,
        "trade_document_label": document_label,
        "may_record_trade_document": may_record,
    }
