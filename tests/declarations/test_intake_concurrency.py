"""The same entry sent twice at the same moment: one is stored, the other is told it has it.

Both senders read "not there yet" before either writes; the database's unique key then refuses
the second insert. The second sender's entry is tried again, sees the first one's document and
is answered ``duplicate`` (never a server error, never "send again"), and exactly one document
is stored.
"""

import threading

import pytest
from django.db import connection

from declarations.intake import intake_entries
from declarations.models import IntakeRejection, Order
from declarations.services import electronic_data

from .parcels import make_cast, parcel, register_goods

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_one_order_sent_twice_at_the_same_moment_is_stored_once_and_the_second_is_a_duplicate(
    enterprise_factory, monkeypatch
):
    cast = make_cast(enterprise_factory, pilot_zone=True)
    register_goods(cast.ebc)
    entry = parcel(cast)["order"]

    # hold both senders between their read ("no such order yet") and their write
    both_have_read = threading.Barrier(2, timeout=20)
    held = threading.local()
    real_insert = electronic_data.rows_insert

    def insert_after_both_read(rows, **kwargs):
        if not getattr(held, "done", False):
            held.done = True
            both_have_read.wait()
        return real_insert(rows, **kwargs)

    monkeypatch.setattr(electronic_data, "rows_insert", insert_after_both_read)
    receipts, errors = [], []

    def send():
        try:
            receipts.extend(
                intake_entries(kind="order", entries=[dict(entry)], sender=cast.platform).receipts
            )
        except Exception as exc:  # noqa: BLE001 - the test reports what escaped
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert sorted(r.status for r in receipts) == ["accepted", "duplicate"]
    assert Order.objects.filter(order_no=entry["orderNo"]).count() == 1
    # nothing was refused: the sender's clearance error log stays empty
    assert not IntakeRejection.objects.filter(key=entry["orderNo"]).exists()
