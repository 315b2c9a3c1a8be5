"""Everything that writes in the declarations app (one module per part, re-exported here).

The intake (``declarations.intake``: API, XML, ``ingest_messages``) calls the batch services
``<kind>_receive_batch(*, entries, sender) -> list[Receipt]``, one receipt per entry in order.
"""

from .cancels import inventory_cancel_decide, inventory_cancel_receive_batch
from .common import intake_rejection_record_many
from .departures import departure_receive_batch
from .electronic_data import order_receive_batch, payment_receive_batch, waybill_receive_batch
from .inventories import allocate_inventory_numbers, compare_and_route, inventory_receive_batch
from .receipts import Receipt

__all__ = [
    "Receipt",
    "allocate_inventory_numbers",
    "compare_and_route",
    "departure_receive_batch",
    "intake_rejection_record_many",
    "inventory_cancel_decide",
    "inventory_cancel_receive_batch",
    "inventory_receive_batch",
    "order_receive_batch",
    "payment_receive_batch",
    "waybill_receive_batch",
]
