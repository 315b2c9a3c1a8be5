"""Page benchmark: every trader page and admin queue over a million lists, beside /healthz.

Not a test. Run on PostgreSQL, in a database of its own (the script migrates it and, unless
``--reuse``, empties its declaration lists and everything hanging off them, then generates):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/p_pages_bench \\
        .venv/bin/python bench/pages.py [--lists 1000000] [--reuse] [--requests 200] [--deadline 15]

The data, written with SQL (``INSERT ... SELECT generate_series``): ``--lists`` declaration
lists received over the last 12 months, spread over 40 e-commerce enterprises (the first, the
demo trader's, sends about 16% of them; the rest fewer and fewer), 8 customs brokers, 4
platforms and 4 carriers; 70% departed, 10% released, 3% declared, 1% in the red channel, 3%
returned, 1% rejected, 7% temporarily stored, 5% cancelled. Each list has 1 to 7 goods lines
(4 on average), its status history (1 or 2 rows) and, once routed, its channel decision; a
cancelled list has its approved cancellation request, one released list in 500 a pending
one; 1% as many refused intake entries. Then VACUUM ANALYZE.

Then gunicorn (``-w 4``, production settings: DJANGO_ENV=production, DEBUG off, manifest
static files, a SECRET_KEY from the environment or a random one) serves the portal on a free
loopback port. The demo trader signs in through the login form (CSRF token, django-axes); a
customs reviewer and a risk officer get a verified-TOTP session written to the session table.
Each page is asked ``--requests`` times by 1 client and then by 50 concurrent clients (threads,
``http.client``), each level stopping at ``--deadline`` seconds; it prints p50 and p99 in ms,
pages/s, and the ratio of p50 and of pages/s to /healthz measured the same way. gunicorn is
stopped at the end, also on error or Ctrl-C. Only loopback addresses are used.

``--code DIR`` serves another checkout of the portal (e.g. a ``git worktree`` of an older
commit) over the same database, to compare before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings")

CODE_PREFIX = "31990"  # the bench enterprises' customs codes
SELLERS, BROKERS, PLATFORMS, CARRIERS = 40, 8, 4, 4
CHUNK = 100_000  # lists per generation statement
TRADER = "bench-trader"
TRADER_PASSWORD = "bench-pages-Pa55word"  # noqa: S105 (a bench account in the bench's own database)
HOST = "127.0.0.1"
REQUEST_TIMEOUT = 120

ADMIN_PAGES = {
    "reviewer": [
        "/admin/registration/enterprise/",
        "/admin/registration/enterprise/queue/",
        "/admin/authorization/authorization/",
        "/admin/authorization/authorizationchange/",
        "/admin/declarations/goods/",
        "/admin/declarations/inventorycancelrequest/",
        "/admin/declarations/intakerejection/",
        "/admin/declarations/receivedmessage/",
        "/admin/summaries/summaryform/",
        "/admin/cooperation/question/",
        "/admin/reminders/reminder/",
    ],
    "risk_officer": [
        "/admin/channels/redlist/",
        "/admin/channels/releasedlist/",
        "/admin/channels/channeldecision/",
        "/admin/channels/riskrule/",
    ],
}


# --- the database -------------------------------------------------------------------------------
def setup_django():
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (the bench writes to it).")
    # the sessions written here must verify under gunicorn: one SECRET_KEY for both
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


def enterprises() -> dict[str, list]:
    """The bench's enterprises by role, created once (customs codes 31990xxxxx)."""
    from django.utils import timezone

    from registration.models import Enterprise, EnterpriseStatus

    roles = {
        "seller": (SELLERS, {"is_ecommerce": True, "is_owner": True}),
        "broker": (BROKERS, {"is_broker": True}),
        "platform": (PLATFORMS, {"is_platform": True}),
        "carrier": (CARRIERS, {"is_logistics": True}),
    }
    out, i = {}, 0
    for role, (count, flags) in roles.items():
        out[role] = []
        for _ in range(count):
            i += 1
            code = f"{CODE_PREFIX}{i:05d}"
            enterprise = Enterprise.objects.filter(customs_code=code).first()
            if enterprise is None:
                enterprise = Enterprise(
                    name=f"基准{role} {i} 有限公司",
                    uscc=f"91310000BENCHP{i:04d}",
                    customs_code=code,
                    contact_name="Bench",
                    contact_phone="13800000000",
                    contact_email=f"bench-pages-{i}@example.com",
                    address="上海",
                    legal_representative="张三",
                    approved_at=timezone.now(),
                    **flags,
                )
                enterprise.__dict__["status"] = EnterpriseStatus.APPROVED
                enterprise.save()
            out[role].append(enterprise)
    return out


def pending_enterprises(count: int = 30):
    """Registrations waiting for review (the reviewer's queue)."""
    from django.utils import timezone

    from registration.models import Enterprise, EnterpriseStatus

    for i in range(1, count + 1):
        code = f"{CODE_PREFIX}9{i:04d}"
        if not Enterprise.objects.filter(customs_code=code).exists():
            enterprise = Enterprise(
                name=f"待审企业 {i} 有限公司",
                uscc=f"91310000BENCHQ{i:04d}",
                customs_code=code,
                contact_name="Bench",
                contact_phone="13800000000",
                contact_email=f"bench-pending-{i}@example.com",
                is_ecommerce=True,
                submitted_at=timezone.now() - dt.timedelta(hours=i),
            )
            enterprise.__dict__["status"] = EnterpriseStatus.PENDING_REVIEW
            enterprise.save()


def authorizations(seller, brokers):
    """The demo trader's authorizations (its list page) and some waiting for review (the queue)."""
    from authorization.models import Authorization

    if Authorization.objects.filter(principal=seller).exists():
        return
    rows = []
    for i in range(40):
        broker = brokers[i % len(brokers)]
        authorization = Authorization(
            number=f"BENCH-AUTH-{i:05d}",
            principal=seller,
            agent=broker,
            principal_name=seller.name,
            principal_uscc=seller.uscc,
            principal_contact_name="Bench",
            principal_contact_phone="13800000000",
            principal_contact_email="bench@example.com",
            agent_name=broker.name,
            agent_uscc=broker.uscc,
            agent_contact_name="Bench",
            agent_contact_phone="13800000000",
            agent_contact_email="bench@example.com",
            scope="export",
            valid_from=dt.date(2026, 1, 1),
            valid_to=dt.date(2027, 12, 31),
            initiated_by="principal",
            review_due_date=dt.date(2026, 12, 1) if i % 2 else None,
        )
        authorization.__dict__["status"] = "under_review" if i % 2 else "approved"
        rows.append(authorization)
    Authorization.objects.bulk_create(rows)


def list_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM declarations_inventory")
        return cursor.fetchone()[0]


def empty_lists():
    """The bench's database only: every list and what hangs off it (summaries included)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE declarations_inventory, declarations_inventoryline, declarations_inventoryhistory, "
            "channels_channeldecision, declarations_inventorycancelrequest, declarations_intakerejection "
            "CASCADE"
        )


STATUS = """CASE WHEN rs < 0.70 THEN 'departed' WHEN rs < 0.80 THEN 'released'
    WHEN rs < 0.83 THEN 'declared' WHEN rs < 0.84 THEN 'under_review' WHEN rs < 0.87 THEN 'returned'
    WHEN rs < 0.88 THEN 'rejected' WHEN rs < 0.95 THEN 'stored' ELSE 'cancelled' END"""

INSERT_LISTS = f"""
INSERT INTO declarations_inventory (
    guid, app_time, app_status, customs_code, ebp_code, ebp_name, order_no, logistics_code,
    logistics_name, logistics_no, cop_no, pre_no, invt_no, ie_flag, port_code, ie_date,
    statistics_flag, agent_code, agent_name, ebc_code, ebc_name, owner_code, owner_name, iac_code,
    iac_name, ems_no, trade_mode, traf_mode, traf_name, voyage_no, bill_no, total_package_no,
    loct_no, license_no, country, pod, freight, f_currency, f_flag, insured_fee, i_currency,
    i_flag, wrap_type, pack_no, gross_weight, net_weight, note, status, channel, return_reasons,
    total_value, received_at, declared_at, released_at, departed_at, updated_at,
    agent_enterprise_id, ebc_enterprise_id, ebp_enterprise_id, logistics_enterprise_id,
    owner_enterprise_id, sender_id)
SELECT lpad(n::text, 36, '0'), to_char(recv, 'YYYYMMDDHH24MISS'), CASE WHEN st = 'stored' THEN '1' ELSE '2' END,
    '2244', (%(p_code)s::text[])[p], 'platform', 'BPO-' || n, (%(c_code)s::text[])[c], 'carrier', 'BPL-' || n,
    'BPC-' || n, '', CASE WHEN st = 'stored' THEN NULL ELSE '22442026E' || lpad(n::text, 9, '0') END,
    'E', CASE WHEN n %% 2 = 0 THEN '2244' ELSE '2201' END, to_char(recv, 'YYYYMMDD'),
    CASE WHEN n %% 10 = 0 THEN 'A' ELSE 'B' END, (%(b_code)s::text[])[b], 'broker',
    (%(s_code)s::text[])[s], 'seller', (%(s_code)s::text[])[s], 'seller', '', '', '', '9610',
    CASE WHEN n %% 3 = 0 THEN '4' ELSE '5' END, '', '', '', '', '', '',
    CASE WHEN n %% 4 = 0 THEN '303' ELSE '502' END, 'USA', 10, '142', '3', 0, '142', '3', '2', 1,
    1.5, 1.2, '', st,
    CASE WHEN st IN ('under_review', 'rejected') THEN 'red'
         WHEN st IN ('departed', 'released', 'cancelled') THEN 'green' ELSE '' END,
    CASE WHEN st IN ('returned', 'rejected')
         THEN '[{{"field": "payment", "reason": "payment amount differs"}}]'::jsonb ELSE '[]'::jsonb END,
    100 * (1 + n %% 7), recv,
    CASE WHEN st = 'stored' THEN NULL ELSE recv + interval '5 minutes' END,
    CASE WHEN st IN ('released', 'departed') THEN recv + interval '2 hours' END,
    CASE WHEN st = 'departed' THEN recv + interval '1 day' END,
    recv + CASE WHEN st = 'departed' THEN interval '1 day' WHEN st = 'stored' THEN interval '0' ELSE interval '2 hours' END,
    (%(b_id)s::bigint[])[b], (%(s_id)s::bigint[])[s], (%(p_id)s::bigint[])[p], (%(c_id)s::bigint[])[c],
    (%(s_id)s::bigint[])[s], (%(p_id)s::bigint[])[p]
FROM (
    SELECT n, s, b, p, c, recv, {STATUS} AS st
    FROM (
        SELECT n, 1 + floor({SELLERS} * power(random(), 2))::int AS s,
               1 + floor({BROKERS} * random())::int AS b, 1 + floor({PLATFORMS} * random())::int AS p,
               1 + floor({CARRIERS} * random())::int AS c, random() AS rs,
               date_trunc('second', now() - random() * interval '365 days') AS recv
        FROM generate_series(%(first)s, %(last)s) AS n
    ) g
) h
"""

INSERT_LINES = """
INSERT INTO declarations_inventoryline (inventory_id, gnum, item_no, item_record_no, item_name, gcode,
    gname, gmodel, bar_code, country, currency, qty, qty1, unit, unit1, unit2, price, total_price, note)
SELECT i.id, g, 'SKU-' || g, '', '', (8518220000 + (i.id * 7 + g * 13) %% 50)::text, '蓝牙音箱', 'BT',
    '', CASE WHEN (i.id + g) %% 2 = 0 THEN '502' ELSE '303' END, '142', 2, 1.5, '007', '007', '', 50, 100, ''
FROM declarations_inventory i
CROSS JOIN LATERAL generate_series(1, 1 + (i.id * 31) %% 7) AS g
WHERE i.id > %(after)s
"""

INSERT_HISTORY = """
INSERT INTO declarations_inventoryhistory (inventory_id, actor_id, actor_label, at, from_status, to_status, reason)
SELECT id, NULL::bigint, 'intake', received_at, '', 'stored', '' FROM declarations_inventory WHERE id > %(after)s
UNION ALL
SELECT id, NULL, 'customs', declared_at, 'stored', status, '' FROM declarations_inventory
WHERE id > %(after)s AND status <> 'stored'
"""

INSERT_DECISIONS = """
INSERT INTO channels_channeldecision (inventory_id, kind, channel, drawn_for_inspection, draw, inspection_rate,
    reasons, decided_by_id, decided_at)
SELECT id, 'routed', channel, false, NULL, NULL,
    CASE WHEN channel = 'red' THEN '[{"code": "rule", "message": "Speakers are watched"}]'::jsonb
         ELSE '[]'::jsonb END,
    NULL, declared_at
FROM declarations_inventory WHERE id > %(after)s AND channel <> ''
"""

INSERT_CANCELS = """
INSERT INTO declarations_inventorycancelrequest (inventory_id, guid, app_time, cop_no, invt_no, reason, sender_id,
    status, decided_by_id, decided_at, decision_reason, received_at)
SELECT id, guid, app_time, cop_no, coalesce(invt_no, ''), 'customer cancelled the order', sender_id,
    CASE WHEN status = 'cancelled' THEN 'approved' ELSE 'pending' END,
    NULL, CASE WHEN status = 'cancelled' THEN updated_at END, '', declared_at + interval '1 hour'
FROM declarations_inventory
WHERE id > %(after)s AND (status = 'cancelled' OR (status = 'released' AND id %% 500 = 0))
"""

INSERT_REJECTIONS = f"""
INSERT INTO declarations_intakerejection (sender_id, kind, key, guid, reason, payload, created_at)
SELECT (%(s_id)s::bigint[])[1 + floor({SELLERS} * power(random(), 2))::int], 'inventory', 'BPR-' || n,
    lpad(n::text, 36, '0'), to_jsonb('copNo: this field is required.'::text), '{{}}'::jsonb,
    now() - random() * interval '365 days'
FROM generate_series(%(first)s, %(last)s) AS n
"""


def make_data(parties, lists: int) -> float:
    from django.db import connection, transaction

    params = {}
    for role, key in (("seller", "s"), ("broker", "b"), ("platform", "p"), ("carrier", "c")):
        params[f"{key}_id"] = [e.pk for e in parties[role]]
        params[f"{key}_code"] = [e.customs_code for e in parties[role]]
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
    for first in range(1, lists + 1, CHUNK):
        last = min(lists, first + CHUNK - 1)
        with transaction.atomic(), connection.cursor() as cursor:
            # the lines of a declared list are frozen by a trigger: generated rows go in with
            # this session's triggers off (the bench's own database, the one place that is done)
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SELECT coalesce(max(id), 0) FROM declarations_inventory")
            after = cursor.fetchone()[0]
            cursor.execute(INSERT_LISTS, {**params, "first": first, "last": last})
            for statement in (INSERT_LINES, INSERT_HISTORY, INSERT_DECISIONS, INSERT_CANCELS):
                cursor.execute(statement, {"after": after})
            cursor.execute(
                INSERT_REJECTIONS, {**params, "first": first, "last": first + (last - first + 1) // 100 - 1}
            )
        print(f"  {last:>9} lists ({time.perf_counter() - began:.0f} s)", flush=True)
    return time.perf_counter() - began


def vacuum_analyze():
    from django.db import connection

    tables = [
        "declarations_inventory",
        "declarations_inventoryline",
        "declarations_inventoryhistory",
        "channels_channeldecision",
        "declarations_inventorycancelrequest",
        "declarations_intakerejection",
        "registration_enterprise",
        "authorization_authorization",
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


def table_sizes() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM declarations_inventory), (SELECT count(*) FROM declarations_inventoryline),"
            " (SELECT count(*) FROM declarations_inventoryhistory), (SELECT count(*) FROM channels_channeldecision),"
            " (SELECT count(*) FROM declarations_inventorycancelrequest),"
            " (SELECT count(*) FROM declarations_intakerejection),"
            " pg_size_pretty(pg_database_size(current_database()))"
        )
        lists, lines, history, decisions, cancels, rejections, size = cursor.fetchone()
    return (
        f"{lists} lists, {lines} lines, {history} history rows, {decisions} channel decisions, "
        f"{cancels} cancel requests, {rejections} refused entries; database {size}"
    )


# --- the people ---------------------------------------------------------------------------------
def trader(seller):
    from axes.models import AccessAttempt

    from registration.models import User

    user = User.objects.filter(username=TRADER).first() or User(
        username=TRADER, email="bench-trader@example.com"
    )
    user.enterprise = seller
    user.is_enterprise_admin = True
    user.is_active = True
    user.set_password(TRADER_PASSWORD)
    user.save()
    AccessAttempt.objects.filter(username=TRADER).delete()  # no lock-out left from an earlier run
    return user


def staff_session(role: str) -> str:
    """A session of a staff user of ``role`` whose TOTP device is verified, as the admin's
    login with the second factor leaves it; returns the session key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from customs_portal.permissions import STAFF_ROLES
    from registration.models import User

    username = f"bench-{role.replace('_', '-')}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username,
            email=f"{username}@customs.example",
            password=secrets.token_urlsafe(16),
            is_staff=True,
        )
        user.groups.add(Group.objects.get_or_create(name=STAFF_ROLES[role])[0])
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="default", confirmed=True
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


# --- gunicorn -----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(static_root: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_ENV": "production",
            "DEBUG": "false",
            "ALLOWED_HOSTS": HOST,
            "SECURE_SSL_REDIRECT": "false",  # plain http on loopback; no TLS proxy in front
            "STATIC_ROOT": static_root,
            "LOG_LEVEL": "ERROR",
        }
    )
    env.pop("PORTAL_TESTING", None)
    return env


def start_gunicorn(code: Path, port: int, env: dict, log) -> subprocess.Popen:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=code,
        env=env,
        check=True,
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "customs_portal.wsgi", "-w", "4", "-b", f"{HOST}:{port}", "--timeout", "120"],
        cwd=code,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log.name}")
        try:
            status, _body, _headers = Client(port).get("/healthz")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    stop_gunicorn(server)
    raise SystemExit(f"gunicorn did not answer /healthz within 60 s; see {log.name}")


def stop_gunicorn(server: subprocess.Popen | None):
    if server is None or server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


# --- the clients --------------------------------------------------------------------------------
class Client:
    """One keep-alive connection (gunicorn's sync workers close it after each answer; then the
    next request opens a new one), with the cookies it was given."""

    def __init__(self, port: int, cookies: dict | None = None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = {"Accept-Language": "zh-hans", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if (response.getheader("Connection") or "").lower() == "close":
            self.connection.close()
        return response.status, data, response

    def get(self, path: str):
        return self.request("GET", path)

    def close(self):
        self.connection.close()


def login_trader(port: int) -> dict:
    client = Client(port)
    status, body, _response = client.get("/accounts/login/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not match:
        raise SystemExit(f"login page: {status}, no CSRF token")
    form = urllib.parse.urlencode(
        {"username": TRADER, "password": TRADER_PASSWORD, "csrfmiddlewaretoken": match.group(1).decode()}
    ).encode()
    status, _body, response = client.request(
        "POST", "/accounts/login/", body=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    client.close()
    if status != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"the demo trader could not sign in: {status} {response.getheader('Location')}")
    return {"sessionid": client.cookies["sessionid"]}


def percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[max(0, min(len(sorted_values) - 1, math.ceil(q * len(sorted_values)) - 1))]


def measure(port: int, path: str, cookies: dict, users: int, requests: int, deadline: float) -> dict:
    """``requests`` GETs of ``path`` by ``users`` concurrent clients, stopping at ``deadline`` s."""
    warm = Client(port, cookies)
    status, _body, response = warm.get(path)
    for _ in range(2):
        warm.get(path)
    warm.close()
    if status != 200:
        return {"error": f"answered {status} {response.getheader('Location') or ''}".strip()}
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    tickets = iter(range(requests))
    lock = threading.Lock()
    stop_at = time.monotonic() + deadline

    def worker():
        client = Client(port, cookies)
        try:
            while time.monotonic() < stop_at:
                with lock:
                    if next(tickets, None) is None:
                        return
                began = time.perf_counter()
                try:
                    status, _body, _response = client.get(path)
                except OSError:
                    status = 0
                elapsed = time.perf_counter() - began
                with lock:
                    latencies.append(elapsed)
                    statuses[status] = statuses.get(status, 0) + 1
        finally:
            client.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(deadline + REQUEST_TIMEOUT)
    wall = time.perf_counter() - began
    latencies.sort()
    return {
        "n": len(latencies),
        "p50": percentile(latencies, 0.50) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "rate": len(latencies) / wall,
        "bad": sum(count for status, count in statuses.items() if status != 200),
    }


def trader_pages(seller) -> dict[str, str]:
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM declarations_inventory WHERE ebc_enterprise_id = %s AND status = 'departed' "
            "ORDER BY id DESC LIMIT 1",
            [seller.pk],
        )
        row = cursor.fetchone()
    today = timezone.localdate()
    month = f"date_from={today - dt.timedelta(days=200)}&date_to={today - dt.timedelta(days=170)}"
    pages = {
        "dashboard": "/",
        "lists": "/declarations/lists/",
        "lists, 30-day date filter": f"/declarations/lists/?{month}",
        "lists, status filter": "/declarations/lists/?status=released",
        "list detail": f"/declarations/lists/{row[0]}/" if row else None,
        "clearance errors": "/declarations/clearance-errors/",
        "summaries overview": "/summaries/overview/",
        "authorizations": "/authorizations/list/",
    }
    return {name: path for name, path in pages.items() if path}


def report(name: str, users: int, result: dict, health: dict):
    if "error" in result:
        print(f"{name:<44} {users:>3}  {result['error']}", flush=True)
        return
    p50_ratio = result["p50"] / health["p50"] if health.get("p50") else float("nan")
    rate_ratio = result["rate"] / health["rate"] if health.get("rate") else float("nan")
    bad = f"  {result['bad']} not 200" if result["bad"] else ""
    print(
        f"{name:<44} {users:>3} {result['n']:>5} {result['p50']:>9.1f} {result['p99']:>9.1f} {result['rate']:>8.1f}"
        f" {p50_ratio:>9.1f}x {rate_ratio:>8.3f}x{bad}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lists", type=int, default=1_000_000)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the lists of the last run when there are any"
    )
    parser.add_argument("--requests", type=int, default=200, help="requests per page and level")
    parser.add_argument("--deadline", type=float, default=15.0, help="seconds per page and level at most")
    parser.add_argument("--users", type=int, nargs="+", default=[1, 50], help="concurrency levels")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout gunicorn serves")
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this")
    args = parser.parse_args()

    setup_django()
    parties = enterprises()
    seller = parties["seller"][0]
    pending_enterprises()
    authorizations(seller, parties["broker"])
    existing = list_count()
    if args.reuse and existing:
        print(f"data: kept from the last run: {table_sizes()}")
    else:
        empty_lists()
        print(f"generating {args.lists} lists ...", flush=True)
        seconds = make_data(parties, args.lists)
        vacuum_analyze()
        print(f"data: {table_sizes()}; made in {seconds:.0f} s")
    trader(seller)
    sessions = {role: {"sessionid": staff_session(role)} for role in ADMIN_PAGES}
    pages = [(f"trader: {name}", path, "trader") for name, path in trader_pages(seller).items()]
    pages += [
        (f"{role}: {path[len('/admin/') :]}", path, role)
        for role, paths in ADMIN_PAGES.items()
        for path in paths
    ]
    if args.only:
        pages = [page for page in pages if args.only in page[0]]

    server = None
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        log = open(Path(tmp) / "gunicorn.log", "w+")  # noqa: SIM115 (read back on error)
        try:
            port = free_port()
            server = start_gunicorn(args.code, port, server_env(str(Path(tmp) / "static")), log)
            sessions["trader"] = login_trader(port)
            stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
            print(f"\ngunicorn -w 4 on {HOST}:{port}, code {args.code}, {stamp}")
            print(
                f"{'page':<44} {'users':>3} {'n':>5} {'p50 ms':>9} {'p99 ms':>9} {'pages/s':>8} {'p50/health':>10} {'rate/health':>9}"
            )
            for users in args.users:
                health = measure(port, "/healthz", {}, users, args.requests, args.deadline)
                report("health: /healthz", users, health, health)
                for name, path, who in pages:
                    report(
                        name,
                        users,
                        measure(port, path, sessions[who], users, args.requests, args.deadline),
                        health,
                    )
        except BaseException:
            log.seek(0)
            tail = log.read()[-3000:]
            if tail:
                print(f"--- gunicorn log (end) ---\n{tail}", file=sys.stderr)
            raise
        finally:
            stop_gunicorn(server)
            log.close()


if __name__ == "__main__":
    main()
