"""Intake over HTTP: N parcels as CEB XML through gunicorn on loopback, beside a raw COPY.

Not a test. Run on PostgreSQL (a database of its own: the script migrates it and leaves the rows):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/p_intake_http \
        python bench/intake_http.py --parcels 2000 [--shape both|batch|single] [--clients 16] [--workers 4] [--async]

A parcel is an order (CEB303), a payment receipt (CEB403), a waybill (CEB505), a declared
inventory of 1 to 5 lines (CEB603) and, once released, its departure (CEB509). The script starts
gunicorn (``--workers`` processes, DEBUG off) on a free loopback port and sends the parcels kind
after kind, in one of two shapes:

- ``batch``: 100-entry messages, one after another from one client (departures: one report of
  100 parcels per message);
- ``single``: one-entry messages from ``--clients`` concurrent clients, which is how platforms
  really send (departures: one report per parcel).

With ``--async`` (REDIS_URL must be set) every message asks ``Prefer: respond-async``, the
script starts ``--intake-workers`` Celery worker processes on the queue ``intake``, and each
kind's phase ends when the inbox has drained (so the figures include the processing). It prints, per shape: parcels/s end to end, request
latency p50/p99 per kind, the lists' final statuses, then the same rows written by PostgreSQL
COPY in the same run, and the ratio. gunicorn is stopped at the end, also on error. Only
loopback is used; every request has a timeout and the run a deadline.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings")

REQUEST_TIMEOUT = 120
RUN_DEADLINE = 3600
KINDS = ("order", "payment", "waybill", "inventory", "departure")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn over loopback with DEBUG off; stopped on exit."""

    def __init__(self, workers: int):
        self.port = free_port()
        env = dict(os.environ)
        env.update(
            DEBUG="False",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECRET_KEY=env.get("SECRET_KEY") or "bench-" + uuid.uuid4().hex * 2,
            DB_CONN_MAX_AGE="600",
        )
        env.pop("PORTAL_TESTING", None)
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "customs_portal.wsgi",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                str(workers),
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("gunicorn did not answer /healthz within 60 s")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


class IntakeWorkers:
    """``count`` Celery worker processes on the queue ``intake`` (for --async); stopped on exit."""

    def __init__(self, count: int):
        if not os.environ.get("REDIS_URL"):
            raise SystemExit("--async needs REDIS_URL (a real queue) so that workers take the inbox")
        env = dict(os.environ)
        env.pop("PORTAL_TESTING", None)
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/celery"), "-A", "customs_portal", "worker", "-Q", "intake",
                "--concurrency", str(count), "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
        )  # fmt: skip

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Client:
    """One keep-alive connection; records each request's latency."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)

    def post_xml(self, key: str, body: bytes, prefer_async: bool) -> tuple[int, bytes, float]:
        headers = {
            "Authorization": f"Api-Key {key}",
            "Content-Type": "application/xml",
            "Accept-Language": "en",
        }
        if prefer_async:
            headers["Prefer"] = "respond-async"
        started = time.perf_counter()
        for attempt in range(2):
            try:
                self.connection.request("POST", "/api/v1/messages/", body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                return response.status, data, time.perf_counter() - started
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
                if attempt:
                    raise
        raise AssertionError("unreachable")


def messages_for(kind: str, entries_by_sender: dict, size: int) -> list[tuple[int, bytes]]:
    from tests.declarations.ceb_builders import message

    out = []
    for sender_pk, entries in entries_by_sender.items():
        for start in range(0, len(entries), size):
            out.append((sender_pk, message(kind, entries[start : start + size])))
    return out


def departures(run: str, logistics, logistics_nos: list[str], per_report: int) -> dict:
    reports = []
    for start in range(0, len(logistics_nos), per_report):
        nos = logistics_nos[start : start + per_report]
        reports.append(
            {
                "guid": str(uuid.uuid4()).upper(), "appType": "1", "appTime": "20260106070000",
                "appStatus": "2", "customsCode": "2244", "copNo": f"{run}D{start:08d}",
                "logisticsCode": logistics.customs_code, "logisticsName": logistics.name, "trafMode": "5",
                "leaveTime": "20260106080000", "msgCount": 1, "msgSeqNo": 1,
                "lines": [{"gnum": g, "logisticsNo": no} for g, no in enumerate(nos, start=1)],
            }
        )  # fmt: skip
    return {logistics.pk: reports}


def send_all(port, keys, messages, clients: int, prefer_async: bool, statuses: Counter) -> list[float]:
    """Send the messages from ``clients`` concurrent connections; the latencies in seconds."""
    import json

    latencies: list[float] = []
    lock = threading.Lock()
    queue = list(reversed(messages))
    errors: list[str] = []

    def worker():
        client = Client(port)
        while True:
            with lock:
                if not queue or errors:
                    return
                sender_pk, body = queue.pop()
            code, data, seconds = client.post_xml(keys[sender_pk], body, prefer_async)
            with lock:
                latencies.append(seconds)
                if code not in (200, 202):
                    errors.append(f"HTTP {code}: {data[:300]!r}")
                    return
                if code == 200:
                    for receipt in json.loads(data):
                        statuses[receipt["status"]] += 1
                else:
                    statuses["received"] += 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RUN_DEADLINE)
    if errors:
        raise SystemExit(errors[0])
    return latencies


def wait_for_inbox(deadline: float) -> None:
    """With --async: until every message the portal received has been processed."""
    from django.apps import apps

    if not apps.is_installed("declarations.inbox"):
        return
    from declarations.inbox.models import InboxMessage, InboxStatus
    from declarations.inbox.tasks import drain_inbox_task

    waiting, since = None, time.monotonic()
    while time.monotonic() < deadline:
        count = InboxMessage.objects.filter(status=InboxStatus.RECEIVED).count()
        if not count:
            return
        if count != waiting:
            waiting, since = count, time.monotonic()
        elif time.monotonic() - since > 5:
            # what beat's minute sweep does in production (the bench runs no beat): a batch whose
            # worker died is taken again once its claim runs out
            drain_inbox_task.delay()
            since = time.monotonic()
        time.sleep(0.2)
    raise SystemExit("the inbox did not drain before the deadline")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_shape(shape, args, port, keys, sellers, logistics, payment) -> tuple[float, dict]:
    from intake import make_parcels

    from declarations.models import Inventory

    run = uuid.uuid4().hex[:6].upper()
    rng = random.Random(args.seed)
    parcels = make_parcels(args.parcels, sellers, logistics, payment, run, rng)
    size, clients = (100, 1) if shape == "batch" else (1, args.clients)
    statuses: Counter = Counter()
    latency: dict[str, list[float]] = {}
    deadline = time.monotonic() + RUN_DEADLINE
    started = time.perf_counter()
    for kind in KINDS[:4]:
        latency[kind] = send_all(
            port, keys, messages_for(kind, parcels[kind], size), clients, args.async_, statuses
        )
        if args.async_:
            wait_for_inbox(deadline)
    released = list(
        Inventory.objects.filter(cop_no__startswith=f"{run}C", status="released").values_list(
            "logistics_no", flat=True
        )
    )
    reports = departures(run, logistics, released, 100 if shape == "batch" else 1)
    latency["departure"] = send_all(
        port, keys, messages_for("departure", reports, 1), clients, args.async_, statuses
    )
    if args.async_:
        wait_for_inbox(deadline)
    total = time.perf_counter() - started
    lists = Counter(Inventory.objects.filter(cop_no__startswith=f"{run}C").values_list("status", flat=True))
    rate = args.parcels / total
    mode = "async" if args.async_ else "sync"
    print(f"\n{shape} ({size}-entry messages, {clients} client(s), {mode}): run {run}")
    print(f"  receipts: {dict(statuses)}; lists: {dict(lists)}")
    for kind, values in latency.items():
        print(
            f"  {kind:<10} {len(values):6d} requests  p50 {percentile(values, 0.5) * 1000:7.1f} ms"
            f"  p99 {percentile(values, 0.99) * 1000:7.1f} ms"
        )
    everything = [v for values in latency.values() for v in values]
    print(
        f"  all: p50 {statistics.median(everything) * 1000:.1f} ms, p99 {percentile(everything, 0.99) * 1000:.1f} ms"
    )
    print(
        f"  end to end: {total:.1f} s, {rate:.0f} parcels/s; 100,000 parcels: {100_000 / rate / 60:.1f} min"
    )
    return rate, parcels


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=2000)
    parser.add_argument("--shape", choices=["both", "batch", "single"], default="both")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--enterprises", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--async", dest="async_", action="store_true", help="send Prefer: respond-async")
    parser.add_argument(
        "--intake-workers", type=int, default=1, help="with --async: worker processes on 'intake'"
    )
    args = parser.parse_args()

    from intake import api_key, copy_same_rows, ensure_enterprises, ensure_goods, setup_django

    setup_django()
    from declarations.channels.models import InspectionSetting

    InspectionSetting.objects.create(rate=0, note="bench: no random inspection")
    sellers, logistics, payment = ensure_enterprises(args.enterprises)
    ensure_goods(sellers)
    keys = {e.pk: api_key(e) for e in [*sellers, logistics, payment]}
    from django.db import connection

    connection.close()  # the server's workers get their own connections
    server = Gunicorn(args.workers)
    workers = IntakeWorkers(args.intake_workers) if args.async_ else None
    try:
        print(
            f"gunicorn: {args.workers} workers on 127.0.0.1:{server.port}; {args.parcels} parcels per shape"
        )
        if workers:
            print(f"inbox: {args.intake_workers} worker process(es) on the queue 'intake'")
        results = []
        for shape in ("batch", "single") if args.shape == "both" else (args.shape,):
            results.append((shape, *run_shape(shape, args, server.port, keys, sellers, logistics, payment)))
    finally:
        server.stop()
        if workers:
            workers.stop()
    for shape, rate, parcels in results:
        copy_seconds, copy_rows = copy_same_rows(parcels, sellers, logistics, payment)
        copy_rate = args.parcels / copy_seconds
        print(
            f"{shape}: raw COPY of the same rows {copy_rows} rows in {copy_seconds:.2f} s ({copy_rate:.0f} parcels/s);"
            f" HTTP intake {rate:.0f} parcels/s: COPY is {copy_rate / rate:.1f}x faster (goal: within 15x)"
        )


if __name__ == "__main__":
    main()
