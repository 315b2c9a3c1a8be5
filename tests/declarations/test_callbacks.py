"""Receipts pushed to the callback URL an enterprise administrator registers: signed batches,
retries with backoff, a pause after repeated failures that staff resume; never to a private
address."""

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone, translation

from declarations.exchange import services
from declarations.exchange.models import CallbackEndpoint
from declarations.intake import intake_entries
from notifications.models import Notification

from . import ceb_builders as b


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class Receiver:
    """A local HTTP server that records each POST and answers with ``status``."""

    def __init__(self):
        self.status = 200
        self.requests: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"no")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/portal/receipts?source=test"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.CALLBACK_ALLOW_LOOPBACK = True
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def platform(enterprise_factory):
    return enterprise_factory(roles=("platform",))


@pytest.fixture
def admin_client(client, trader_factory, platform):
    client.force_login(trader_factory(platform, admin=True))
    return client


def register(admin_client, url) -> str:
    response = admin_client.post("/account/callback/", {"action": "save", "url": url})
    assert response.status_code == 200, response.content.decode()
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    start = page.index('data-testid="callback-secret">') + len('data-testid="callback-secret">')
    return page[start : page.index("</code>", start)]


def send_orders(platform, n=1):
    entries = [b.order_entry(ebp=platform, ebc=platform) for _ in range(n)]
    intake_entries(kind="order", entries=entries, sender=platform)
    return entries


def deliver(platform) -> str:
    return services.callback_deliver(endpoint_id=CallbackEndpoint.objects.get(enterprise=platform).pk)


def test_new_receipts_are_pushed_signed_with_the_secret_shown_once(
    admin_client, receiver, platform, django_capture_on_commit_callbacks
):
    send_orders(platform)  # before the callback: there to poll, not pushed
    secret = register(admin_client, receiver.url)
    assert secret.startswith("whsec_") and len(secret) > 40
    assert secret not in admin_client.get("/account/callback/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        orders = send_orders(platform, 2)  # the new receipts wake the delivery
    [(headers, body)] = receiver.requests
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Portal-Signature"], expected)
    payload = json.loads(body)
    assert [r["key"] for r in payload["receipts"]] == [o["orderNo"] for o in orders]
    assert payload["sentAt"] == headers["X-Portal-Timestamp"] and len(payload["sentAt"]) == 17
    # a signature made with another secret does not match
    assert headers["X-Portal-Signature"] != services.callback_sign(secret="whsec_other", body=body)

    assert deliver(platform) == "idle"  # nothing new: nothing sent again
    assert len(receiver.requests) == 1
    endpoint = CallbackEndpoint.objects.get(enterprise=platform)
    assert (endpoint.failures, endpoint.last_success_at is not None) == (0, True)


def test_a_failing_callback_is_retried_with_backoff_then_paused_and_resumed_by_staff(
    admin_client, receiver, platform, trader_factory, staff_factory, otp_client_factory
):
    member = trader_factory(platform, admin=False)
    register(admin_client, receiver.url)
    [order] = send_orders(platform)
    receiver.status = 500

    delays = []
    for attempt in range(1, services.MAX_FAILURES + 1):
        before = timezone.now()
        outcome = deliver(platform)
        endpoint = CallbackEndpoint.objects.get(enterprise=platform)
        assert endpoint.failures == attempt and "HTTP 500" in endpoint.last_error
        if attempt < services.MAX_FAILURES:
            assert outcome == "failed" and endpoint.status == "active"
            delays.append(round((endpoint.next_attempt_at - before).total_seconds() / 60))
            assert deliver(platform) == "not_due"  # nothing is tried before its time
            endpoint.next_attempt_at = timezone.now() - dt.timedelta(seconds=1)  # the wait is over
            endpoint.save(update_fields=["next_attempt_at"])
        else:
            assert outcome == "paused" and endpoint.status == "paused"
    assert delays == [1, 2, 4, 8, 16, 16, 16]
    assert len(receiver.requests) == services.MAX_FAILURES
    assert deliver(platform) == "paused"  # paused: nothing is sent

    # the enterprise's administrators are told, not its other users
    [notice] = Notification.objects.filter(kind="callback_paused")
    assert notice.user.is_enterprise_admin and notice.user != member
    # polling works all along
    response = admin_client.get("/api/v1/receipts/")
    assert [r["key"] for r in response.json()["receipts"]] == [order["orderNo"]]

    # ops staff resume it in the admin; the receiver works again
    receiver.status = 204
    ops = otp_client_factory(staff_factory("ops"))
    endpoint = CallbackEndpoint.objects.get(enterprise=platform)
    changelist = ops.get("/admin/exchange/callbackendpoint/?status=paused")
    assert changelist.status_code == 200 and receiver.url in changelist.content.decode()
    response = ops.post(
        "/admin/exchange/callbackendpoint/", {"action": "resume", "_selected_action": [endpoint.pk]}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.status, endpoint.failures) == ("active", 0)
    assert deliver(platform) == "delivered"
    assert json.loads(receiver.requests[-1][1])["receipts"][0]["key"] == order["orderNo"]


def test_only_enterprise_administrators_manage_the_callback(client, trader_factory, platform, receiver):
    client.force_login(trader_factory(platform, admin=False))
    assert client.get("/account/callback/").status_code == 403
    assert client.post("/account/callback/", {"action": "save", "url": receiver.url}).status_code == 403
    assert not CallbackEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/receipts",
        "file:///etc/passwd",
        "http://user:pw@example.com/",
        "http://10.0.0.8/receipts",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8000/",
        "http://[::ffff:127.0.0.1]/",
        "http://127.0.0.1:8000/",
        "http://localhost/",
        "http://0.0.0.0/",
        "http://192.168.1.1/",
    ],
)
def test_a_callback_never_points_into_the_portals_own_network(admin_client, url, settings):
    settings.CALLBACK_ALLOW_LOOPBACK = False
    response = admin_client.post("/account/callback/", {"action": "save", "url": url})
    assert response.status_code == 400
    assert not CallbackEndpoint.objects.exists()


def test_a_url_that_later_resolves_privately_is_not_posted_to(admin_client, receiver, platform, settings):
    register(admin_client, receiver.url)
    send_orders(platform)
    settings.CALLBACK_ALLOW_LOOPBACK = False  # e.g. the name now resolves to 127.0.0.1
    with translation.override("en"):
        assert deliver(platform) == "failed"
    assert receiver.requests == []
    assert "private" in CallbackEndpoint.objects.get(enterprise=platform).last_error


def test_the_periodic_sweep_delivers_what_no_task_was_queued_for(admin_client, receiver, platform):
    from declarations.exchange.tasks import deliver_due_receipts_task

    register(admin_client, receiver.url)
    [order] = send_orders(platform)  # its wake-up task is lost (never committed here)
    assert receiver.requests == []
    assert deliver_due_receipts_task() == 1
    assert [r["key"] for r in json.loads(receiver.requests[0][1])["receipts"]] == [order["orderNo"]]
