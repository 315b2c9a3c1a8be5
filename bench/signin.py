"""Trader sign-in over HTTP: the password form to the dashboard, beside /healthz, and where the time goes.

Not a test. Run on PostgreSQL (a database of its own: the script migrates it and leaves its users):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/p_signin python bench/signin.py [--signins 30]

It starts gunicorn (4 workers, production settings, DEBUG off) on loopback, makes a trader of an approved enterprise whose
password is stored with the portal's preferred hasher (``PASSWORD_HASHERS[0]``), and signs in
``--signins`` times one after another, each time as a new browser would: GET the sign-in page,
POST the password, follow the redirects to the dashboard. It prints the median and p90 of the
sign-in (POST and redirects) beside ``/healthz`` and the dashboard alone in the same run, then,
in-process, the CPU time of one password check with each hasher the portal knows, which is what
the sign-in spends beyond an ordinary page.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings")

PASSWORD = "bench-Sign-in-" + "x7Q"


class Browser:
    """One cookie jar over one keep-alive connection."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, bytes]:
        headers = {"Accept-Language": "zh-hans", "Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = "http://127.0.0.1/accounts/login/"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers.get("Location", ""), data

    def follow(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, int]:
        status, location, data = self.request(method, path, body)
        hops = 0
        while status in (301, 302, 303) and hops < 5:
            hops += 1
            status, location, data = self.request("GET", location.replace("http://127.0.0.1", ""))
        return status, data, hops


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def figures(label, seconds):
    return (
        f"  {label:<34} p50 {statistics.median(seconds) * 1000:7.1f} ms"
        f"  p90 {percentile(seconds, 0.9) * 1000:7.1f} ms  (n={len(seconds)})"
    )


def hasher_costs():
    from django.conf import settings
    from django.utils.module_loading import import_string

    print("\nOne password check, in-process (CPU time; the first two PASSWORD_HASHERS):")
    for dotted in settings.PASSWORD_HASHERS[:2]:  # the one that hashes, and the one before it
        hasher = import_string(dotted)()
        try:
            encoded = hasher.encode(PASSWORD, hasher.salt())
        except (ValueError, ImportError):  # a library the hasher needs is not installed (bcrypt)
            continue
        costs = []
        for _ in range(2):
            started = time.process_time()
            hasher.verify(PASSWORD, encoded)
            costs.append(time.process_time() - started)
        params = encoded.split("$")[1:3] if hasher.algorithm != "argon2" else encoded.split("$")[2:4]
        print(f"  {dotted:<52} {min(costs) * 1000:7.1f} ms CPU  ({'$'.join(params)})")


def in_process_cpu(username: str, runs: int = 5) -> None:
    """CPU time of one sign-in (POST and redirects to the dashboard) in this process, with
    Django's test client: the figure a shared machine's load does not inflate."""
    from django.test import Client

    costs = []
    for _ in range(runs + 1):
        client = Client()
        client.get("/accounts/login/")
        started = time.process_time()
        response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
        while response.status_code in (301, 302):
            response = client.get(response["Location"])
        costs.append(time.process_time() - started)
    costs = costs[1:]  # the first includes the templates' compilation
    print(
        f"\nOne sign-in in-process (POST + redirects + dashboard), CPU time:"
        f" median {statistics.median(costs) * 1000:.0f} ms ({', '.join(f'{c * 1000:.0f}' for c in costs)})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signins", type=int, default=30)
    args = parser.parse_args()

    import secrets
    import tempfile

    from intake import setup_django
    from pages import free_port, server_env, start_gunicorn, stop_gunicorn

    setup_django()
    from django.conf import settings
    from django.db import connection

    from registration.models import Enterprise, EnterpriseStatus, User

    code = f"31{uuid.uuid4().int % 10**8:08d}"
    enterprise = Enterprise(
        name=f"Bench sign-in {code}", uscc=f"91310000SIGN{code[-6:]}", customs_code=code,
        contact_name="Bench", contact_phone="13800000000", contact_email="bench@example.com",
        is_ecommerce=True, is_owner=True,
    )  # fmt: skip
    enterprise.__dict__["status"] = EnterpriseStatus.APPROVED  # protected FSM field: set once
    enterprise.save()
    username = f"bench-{code}"
    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", password=PASSWORD, enterprise=enterprise,
        is_enterprise_admin=True, language="zh-hans",
    )  # fmt: skip
    print(f"password hasher: {settings.PASSWORD_HASHERS[0]} ({user.password.split('$')[0]})")
    connection.close()

    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))  # production settings need one
    port = free_port()
    static_root = tempfile.mkdtemp(prefix="signin-static-")
    log = open(Path(static_root) / "gunicorn.log", "w")  # noqa: SIM115 - open for the server's life
    server = start_gunicorn(ROOT, port, server_env(static_root), log)
    try:
        print(f"gunicorn: 4 workers on 127.0.0.1:{port}; {args.signins} sign-ins")
        health, signin, dashboard, login_page = [], [], [], []
        for _ in range(args.signins):
            browser = Browser(port)
            started = time.perf_counter()
            status, _location, _data = browser.request("GET", "/healthz")
            health.append(time.perf_counter() - started)

            started = time.perf_counter()
            status, _location, page = browser.request("GET", "/accounts/login/")
            login_page.append(time.perf_counter() - started)
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
            form = f"csrfmiddlewaretoken={token}&username={username}&password={PASSWORD}"
            started = time.perf_counter()
            status, page, hops = browser.follow("POST", "/accounts/login/", form)
            signin.append(time.perf_counter() - started)
            if status != 200 or not hops or b'name="password"' in page:
                raise SystemExit(f"sign-in failed: HTTP {status} after {hops} redirects")

            started = time.perf_counter()
            status, _page, _hops = browser.follow("GET", "/")
            dashboard.append(time.perf_counter() - started)
        print(figures("/healthz", health))
        print(figures("sign-in page (GET)", login_page))
        print(figures("dashboard, signed in (GET /)", dashboard))
        print(figures("sign-in (POST + redirects)", signin))
        print(
            f"  sign-in / healthz: {statistics.median(signin) / statistics.median(health):.0f}x;"
            f" sign-in - dashboard: {(statistics.median(signin) - statistics.median(dashboard)) * 1000:.0f} ms"
        )
    finally:
        stop_gunicorn(server)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    in_process_cpu(username)
    hasher_costs()


if __name__ == "__main__":
    main()
