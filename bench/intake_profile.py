"""Per-message cost of the intake, in-process: CPU milliseconds and SQL statements per message.

Not a test. Run on PostgreSQL (a database of its own: the script migrates it and leaves the rows):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/p_intake_profile \
        python bench/intake_profile.py --parcels 200 [--path sync|inbox|both] [--size 1] [--profile KIND]

Without HTTP, gunicorn or the benchmark's own clients, the figures are the portal's own work
and change little with the load elsewhere on the machine (CPU time, not wall time). A parcel is
an order, a payment, a waybill and a declared list of 1-5 lines (``bench/intake.py``'s), sent as
``--size``-entry CEB XML messages:

- ``sync``: each message through ``declarations.intake.intake_message`` in a transaction of its
  own, as ``POST /api/v1/messages/`` runs it;
- ``inbox``: each message checked and stored (``inbox_receive``, the request path of
  ``Prefer: respond-async``), then the inbox processed in batches (``inbox_process_batch``).

It prints, per kind: CPU ms and SQL statements per message (for the inbox: on the request path
and in the batch), and the parse share. ``--profile KIND`` prints cProfile's top functions for
that kind's messages (synchronous: the whole path; inbox: the batches).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings")

KINDS = ("order", "payment", "waybill", "inventory")


class StatementCounter:
    """Counts the SQL statements run (``connection.execute_wrapper``), without DEBUG's log."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def messages_for(kind, entries_by_sender, size):
    from tests.declarations.ceb_builders import message

    out = []
    for sender_pk, entries in entries_by_sender.items():
        for start in range(0, len(entries), size):
            out.append((sender_pk, message(kind, entries[start : start + size])))
    return out


def run_sync(kind, messages, senders, counter, profile=None):
    from django.db import transaction

    from declarations.intake import intake_message

    counter.count = 0
    started = time.process_time()
    if profile:
        profile.enable()
    for sender_pk, body in messages:
        with transaction.atomic():
            intake_message(body=body, sender=senders[sender_pk])
    if profile:
        profile.disable()
    return time.process_time() - started, counter.count


def run_inbox(kind, messages, senders, counter, profile=None):
    from django.db import transaction

    from declarations.inbox.api import accept_xml
    from declarations.inbox.services import inbox_process_batch

    counter.count = 0
    started = time.process_time()
    for sender_pk, body in messages:
        with transaction.atomic():
            accept_xml(body=body, sender=senders[sender_pk])
    request_cpu, request_sql = time.process_time() - started, counter.count
    counter.count = 0
    started = time.process_time()
    batches = 0
    if profile:
        profile.enable()
    while inbox_process_batch():
        batches += 1
    if profile:
        profile.disable()
    return request_cpu, request_sql, time.process_time() - started, counter.count, batches


DRAINER = r"""
import os, sys, time
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings")
import django
django.setup()
from django.conf import settings
settings.INBOX_BATCH_ENTRIES = int(sys.argv[1])
from declarations.inbox.services import inbox_process_batch
go = sys.argv[2]
open(go + ".ready." + str(os.getpid()), "w").close()
while not os.path.exists(go):
    time.sleep(0.01)
started, cpu, taken = time.perf_counter(), time.process_time(), 0
while True:
    n = inbox_process_batch()
    if not n:
        break
    taken += n
print(taken, time.perf_counter() - started, time.process_time() - cpu)
"""


def drain_with_processes(count: int, batch: int) -> tuple[float, list]:
    """Drain the inbox with ``count`` worker processes started together; (seconds, per worker)."""
    import subprocess
    import tempfile

    go = os.path.join(tempfile.mkdtemp(prefix="drain-"), "go")
    children = [
        subprocess.Popen(
            [sys.executable, "-c", DRAINER, str(batch), go], cwd=ROOT, stdout=subprocess.PIPE, text=True,
            env={k: v for k, v in os.environ.items() if k != "PORTAL_TESTING"},
        )
        for _ in range(count)
    ]  # fmt: skip
    deadline = time.monotonic() + 120
    while len([f for f in os.listdir(os.path.dirname(go)) if ".ready." in f]) < count:
        if time.monotonic() > deadline:
            raise SystemExit("the drain workers did not start")
        time.sleep(0.05)
    started = time.perf_counter()
    open(go, "w").close()
    results = [child.communicate(timeout=170)[0].split() for child in children]
    return time.perf_counter() - started, [(int(a), float(b), float(c)) for a, b, c in results]


def parse_cost(messages):
    from declarations.ceb import parse_message

    started = time.process_time()
    for _sender, body in messages:
        parse_message(body).entities  # noqa: B018 - the entities are the work measured
    return time.process_time() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=200)
    parser.add_argument("--size", type=int, default=1, help="entries per message")
    parser.add_argument("--path", choices=["sync", "inbox", "both"], default="both")
    parser.add_argument("--enterprises", type=int, default=4)
    parser.add_argument("--profile", choices=KINDS, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--drainers",
        type=int,
        default=0,
        help="inbox path: drain with this many worker processes started together (0: in this process)",
    )
    parser.add_argument("--batch", type=int, default=1000, help="with --drainers: entries per batch")
    args = parser.parse_args()
    os.environ.setdefault("DB_CONN_MAX_AGE", "600")

    from intake import ensure_enterprises, ensure_goods, make_parcels, setup_django

    setup_django()
    from django.conf import settings
    from django.db import connection

    from declarations.channels.models import InspectionSetting
    from registration.models import Enterprise

    settings.INBOX_MAX_WAIT = 0
    InspectionSetting.objects.create(rate=0, note="bench: no random inspection")
    sellers, logistics, payment = ensure_enterprises(args.enterprises)
    ensure_goods(sellers)
    senders = {
        e.pk: e for e in Enterprise.objects.filter(pk__in=[s.pk for s in [*sellers, logistics, payment]])
    }
    counter = StatementCounter()
    print(
        f"{args.parcels} parcels as {args.size}-entry CEB XML messages, in-process"
        f" (CPU time of this process; PostgreSQL's own time is not in it)"
    )
    for path in ("sync", "inbox") if args.path == "both" else (args.path,):
        run = uuid.uuid4().hex[:6].upper()
        parcels = make_parcels(args.parcels, sellers, logistics, payment, run, random.Random(args.seed))
        profile = cProfile.Profile() if args.profile else None
        print(f"\n{path} (run {run})")
        with connection.execute_wrapper(counter):
            for kind in KINDS:
                messages = messages_for(kind, parcels[kind], args.size)
                n = len(messages)
                parse = parse_cost(messages)
                if path == "sync":
                    cpu, sql = run_sync(
                        kind, messages, senders, counter, profile if kind == args.profile else None
                    )
                    print(
                        f"  {kind:<10} {n:5d} msgs  {cpu / n * 1000:6.2f} ms CPU/msg"
                        f"  {sql / n:6.1f} SQL/msg  (parse {parse / n * 1000:5.2f} ms)"
                    )
                elif args.drainers:
                    from django.db import transaction

                    from declarations.inbox.api import accept_xml

                    for sender_pk, body in messages:
                        with transaction.atomic():
                            accept_xml(body=body, sender=senders[sender_pk])
                    seconds, workers = drain_with_processes(args.drainers, args.batch)
                    print(
                        f"  {kind:<10} {n:5d} msgs  {args.drainers} worker process(es), batches of {args.batch}:"
                        f" {n / seconds:6.0f} msgs/s ({seconds:.2f} s);"
                        f" per worker: {', '.join(f'{t} msgs {c:.2f} s CPU' for t, _w, c in workers)}"
                    )
                else:
                    req_cpu, req_sql, cpu, sql, batches = run_inbox(
                        kind, messages, senders, counter, profile if kind == args.profile else None
                    )
                    print(
                        f"  {kind:<10} {n:5d} msgs  request {req_cpu / n * 1000:6.2f} ms CPU, {req_sql / n:4.1f} SQL"
                        f"  | batches ({batches}): {cpu / n * 1000:6.2f} ms CPU/msg, {sql / n:5.2f} SQL/msg,"
                        f" {sql / max(batches, 1):6.1f} SQL/batch"
                    )
        from declarations.models import Inventory

        statuses = {}
        for status in Inventory.objects.filter(cop_no__startswith=f"{run}C").values_list("status", flat=True):
            statuses[status] = statuses.get(status, 0) + 1
        print(f"  lists: {statuses}")
        if profile:
            print(f"\ncProfile of the {path} {args.profile} messages (top 30 by cumulative time):")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
