"""Receipts written for the enterprises, and their delivery to the enterprises' callback URLs.

Writing: one row per entry of an intake batch for its sender (``receipts_record_intake``) and
one per list and party when lists move later in the flow (``receipts_record_list_moves``,
``receipt_record_cancel_decision``), each batch in one ``COPY`` and a fixed number of queries.

``returnStatus`` follows the specification's codes (shared/ceb/README.md): for a declaration
list 1 stored, 120 accepted into the customs store (declared, compared when its documents are
in), 100 returned by customs (comparison failed, or rejected after review), 500 inspection
(red channel), 800 released, 899 closed (departed, or cancelled); for orders, payments,
waybills, departures and cancellation requests 120 accepted; a cancellation decided 399
(concluded: cancelled) or 100 (refused); an entry refused at intake a negative code for a
format failure (``-0002``: fails the schema) and 100 for a refusal under the business rules.

Delivery (``callback_deliver``): the receipts after the endpoint's cursor, up to
``CALLBACK_BATCH`` a request, are posted as JSON, signed ``X-Portal-Signature:
sha256=<hex HMAC-SHA256 of the body with the endpoint's secret>``; the body carries its own
``sentAt`` (also in ``X-Portal-Timestamp``) so the signature covers the time too. A 2xx moves
the cursor on; anything else is tried again after 1, 2, 4, 8 and then every 16 minutes, and
after ``MAX_FAILURES`` failures in a row the endpoint is paused and the enterprise's
administrators are told. Staff resume it in the admin. Polling works all along.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import re
import secrets
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customs_portal import texts
from customs_portal.bulk import rows_insert
from customs_portal.errors import ApplicationError
from declarations.selectors import reasons_by_field
from declarations.serializers import schema_fields

from .ceb_returns import NOT_XML, RETURN_MESSAGES, return_time
from .models import CallbackEndpoint, CallbackStatus, Receipt

# --- returnStatus codes --------------------------------------------------------------------
LIST_RETURN_STATUS = {
    "stored": "1",
    "declared": "120",
    "returned": "100",
    "under_review": "500",
    "released": "800",
    "rejected": "100",
    "departed": "899",
    "cancelled": "899",
}
ACCEPTED_RETURN_STATUS = "120"  # orders, payments, waybills, departures, cancel requests
CANCEL_APPROVED, CANCEL_REFUSED = "399", "100"
BUSINESS_REFUSAL = "100"
_CODE = re.compile(r"^(\d{4}): ")
MAX_FIELD_CHARS = 60  # the longest field a return element carries (orderNo)


def _clean(value, limit: int = MAX_FIELD_CHARS) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value) if isinstance(value, int | float) else ""
    return NOT_XML.sub("", text)[:limit]


def _return_fields(kind: str) -> tuple[str, ...]:
    own = ("guid", "returnStatus", "returnTime", "returnInfo")
    return tuple(s.name for s in schema_fields(RETURN_MESSAGES[kind].element) if s.name not in own)


def refusal_status(info: str) -> str:
    """A refused entry: the negative code of a format failure (0001-0999), else 100."""
    match = _CODE.match(info or "")
    if match and int(match.group(1)) < 1000:
        return f"-{match.group(1)}"
    return BUSINESS_REFUSAL


def _write(rows: list[Receipt]) -> None:
    """Insert the rows (one COPY) and wake the recipients' active callbacks on commit."""
    if not rows:
        return
    endpoint_ids = list(
        CallbackEndpoint.objects.filter(
            enterprise_id__in={row.recipient_id for row in rows}, status=CallbackStatus.ACTIVE
        ).values_list("pk", flat=True)
    )
    rows_insert(rows)
    for endpoint_id in endpoint_ids:
        _schedule(endpoint_id)


# --- writing receipts ------------------------------------------------------------------------
def receipts_record_intake(*, kind: str, entries: list, receipts: list, sender) -> None:
    """One receipt per intake entry, for its sender, in one insert (plus one query for lists)."""
    names = _return_fields(kind)
    lists = _lists_of(entries, receipts) if kind == "inventory" else {}
    rows = []
    for raw, answer in zip(entries, receipts, strict=True):
        entry = raw if isinstance(raw, dict) else {}
        fields = {name: _clean(entry.get(name)) for name in names}
        info = _clean(answer.info, 1000)
        if answer.status == "rejected":
            return_status = refusal_status(info)
        elif kind == "inventory":
            found = lists.get((fields["agentCode"], fields["copNo"]))
            return_status = LIST_RETURN_STATUS["declared" if entry.get("appStatus") == "2" else "stored"]
            if found is not None:
                fields["invtNo"], fields["preNo"] = found[0] or "", found[1] or ""
                return_status = LIST_RETURN_STATUS.get(found[2], return_status)
        else:
            return_status = ACCEPTED_RETURN_STATUS
        rows.append(
            Receipt(
                recipient_id=sender.pk,
                kind=kind,
                guid=_clean(answer.guid, 36),
                key=_clean(answer.key),
                status=answer.status,
                return_status=return_status,
                return_info=info,
                fields=fields,
            )
        )
    _write(rows)


def _lists_of(entries: list, receipts: list) -> dict[tuple[str, str], tuple]:
    """{(agentCode, copNo): (invtNo, preNo, status)} of the lists the accepted entries name."""
    from declarations.models import Inventory

    keys = {
        (entry.get("agentCode"), entry.get("copNo"))
        for entry, answer in zip(entries, receipts, strict=True)
        if isinstance(entry, dict) and answer.status != "rejected"
    }
    if not keys:
        return {}
    found = {}
    for agent, cop_no, invt_no, pre_no, status in Inventory.objects.filter(
        cop_no__in={cop for _a, cop in keys}
    ).values_list("agent_code", "cop_no", "invt_no", "pre_no", "status"):
        if (agent, cop_no) in keys:
            found[(agent, cop_no)] = (invt_no, pre_no, status)
    return found


def _list_fields(inventory) -> dict:
    return {
        "agentCode": inventory.agent_code,
        "copNo": inventory.cop_no,
        "preNo": inventory.pre_no or "",
        "invtNo": inventory.invt_no or "",
        "ebcCode": inventory.ebc_code,
        "ebpCode": inventory.ebp_code,
        "orderNo": inventory.order_no,
        "statisticsFlag": inventory.statistics_flag,
    }


def _list_recipients(inventory) -> set[int]:
    # the parties that send lists (the declaring agent and the e-commerce enterprise)
    return {inventory.agent_enterprise_id, inventory.ebc_enterprise_id}


def _list_info(inventory, status: str) -> str:
    if status in ("returned", "rejected"):
        reasons = inventory.return_reasons or []
        # returnInfo is plain text (CEB spec): the reasons rendered in the active language
        text = "; ".join(
            f"{field}: {reason}" if field else reason for field, reason in reasons_by_field(reasons)
        )
        return text or _("Returned by customs.")
    return {
        "declared": _("Declared: waiting for its order, payment and waybill."),
        "under_review": _("Selected for on-site review (red channel)."),
        "released": _("Released."),
        "departed": _("Departed."),
        "cancelled": _("Cancelled."),
    }.get(status, "")


def receipts_record_list_moves(*, inventories, statuses: dict | None = None) -> None:
    """A CEB604 receipt per moved list for each of its sending parties, in one insert.

    ``statuses`` gives a list's new status where the objects do not carry it yet ({pk: status}).
    """
    rows = []
    for inventory in inventories:
        status = (statuses or {}).get(inventory.pk) or inventory.status
        info = _clean(_list_info(inventory, status), 1000)
        fields = _list_fields(inventory)
        for recipient in sorted(_list_recipients(inventory)):
            rows.append(
                Receipt(
                    recipient_id=recipient,
                    kind="inventory",
                    guid=inventory.guid,
                    key=inventory.cop_no,
                    status=status,
                    return_status=LIST_RETURN_STATUS.get(status, BUSINESS_REFUSAL),
                    return_info=info,
                    fields=fields,
                )
            )
    _write(rows)


def receipt_record_cancel_decision(*, request) -> None:
    """A CEB606 receipt for a decided cancellation request, for the list's sending parties."""
    inventory = request.inventory
    approved = request.status == "approved"
    info = _("Cancelled.") if approved else (request.decision_reason or _("Refused."))
    rows = [
        Receipt(
            recipient_id=recipient,
            kind="cancel",
            guid=request.guid,
            key=request.cop_no,
            status=request.status,
            return_status=CANCEL_APPROVED if approved else CANCEL_REFUSED,
            return_info=_clean(info, 1000),
            fields={
                "agentCode": inventory.agent_code,
                "copNo": request.cop_no,
                "preNo": inventory.pre_no or "",
                "invtNo": request.invt_no,
            },
        )
        for recipient in sorted(_list_recipients(inventory))
    ]
    _write(rows)


REFUND_DECIDED = {"accepted": "800", "rejected": "100"}  # CEB214: 800 released, 100 returned


def receipt_record_refund_decision(*, inventory_return) -> None:
    """A CEB214 receipt for a decided return (declarations.returns), for the enterprise and
    the declaring enterprise that reported it."""
    accepted = inventory_return.status == "accepted"
    info = _("Return accepted.") if accepted else (str(inventory_return.decision_reason) or _("Rejected."))
    head = inventory_return.head or {}
    rows = [
        Receipt(
            recipient_id=recipient,
            kind="refund",
            guid=inventory_return.guid,
            key=inventory_return.co_el_no,
            status=inventory_return.status,
            return_status=REFUND_DECIDED.get(inventory_return.status, BUSINESS_REFUSAL),
            return_info=_clean(info, 1000),
            fields={
                "ebpCode": _clean(head.get("ebpCode")),
                "ebcCode": _clean(head.get("ebcCode")),
                "agentCode": _clean(head.get("agentCode")),
                "coElNo": inventory_return.co_el_no,
                "preNo": _clean(head.get("preNo")),
                "invtNo": inventory_return.invt_no,
            },
        )
        for recipient in sorted({inventory_return.ebc_enterprise_id, inventory_return.agent_enterprise_id})
    ]
    _write(rows)


# --- reading ---------------------------------------------------------------------------------
MAX_PAGE = 1000
SEQUENCE_BATCH = 10_000  # rows placed per step; a larger backlog is placed by the next reads
# pg_try_advisory_xact_lock key: one placing step at a time ("receipts" in ASCII)
SEQUENCE_LOCK = 0x7265636569707473


def receipts_sequence() -> int:
    """Give the committed receipts without a position the next positions; how many.

    Only committed rows are seen, and the steps run one at a time, so positions grow in the
    order rows became visible: a transaction that took its ids first but committed last gets
    positions after those a reader may already have passed. When another step is running,
    this one does nothing (that step places the rows).
    """
    if connection.vendor != "postgresql":  # the embedded SQLite default: one writer at a time
        return Receipt.objects.filter(position__isnull=True).update(position=F("id"))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEQUENCE_LOCK])
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(
            "UPDATE exchange_receipt AS r SET position = v.position FROM ("
            "  SELECT id, nextval('exchange_receipt_position') AS position FROM ("
            "    SELECT id FROM exchange_receipt WHERE position IS NULL ORDER BY id LIMIT %s"
            "  ) AS s"
            ") AS v WHERE r.id = v.id",
            [SEQUENCE_BATCH],
        )
        return cursor.rowcount


def receipts_after(*, enterprise_id: int, cursor: int, limit: int, kind: str = "") -> list[Receipt]:
    """The enterprise's receipts after ``cursor`` (a position), oldest first."""
    rows = Receipt.objects.filter(recipient_id=enterprise_id, position__gt=cursor)
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.order_by("position")[:limit])


def receipt_as_dict(receipt: Receipt) -> dict:
    return {
        "cursor": receipt.position,
        "kind": receipt.kind,
        "message": RETURN_MESSAGES[receipt.kind].root.removesuffix("Message"),
        "guid": receipt.guid,
        "key": receipt.key,
        "status": receipt.status,
        "returnStatus": receipt.return_status,
        "returnTime": return_time(receipt.created_at),
        "returnInfo": receipt.return_info,
        **(receipt.fields or {}),
    }


# --- callback endpoints ------------------------------------------------------------------------
CALLBACK_BATCH = 100
MAX_FAILURES = 8
BACKOFF_CAP_MINUTES = 16  # under the broker's visibility timeout (30 minutes): see settings
TIMEOUT_SECONDS = 5
MAX_RESPONSE_BYTES = 1024  # read for the error message; the rest is not read


def _allow_loopback() -> bool:
    return bool(getattr(settings, "CALLBACK_ALLOW_LOOPBACK", False))


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return _allow_loopback()
    return ip.is_global and not ip.is_multicast


def callback_url_check(url: str) -> tuple[str, str, int, list[str]]:
    """(scheme, host, port, allowed addresses) of a callback URL, or ApplicationError.

    Only http(s), no credentials in the URL, and a host whose every address is public: a
    callback must never reach the portal's own network (private, loopback, link-local,
    reserved). Loopback is let through only when ``CALLBACK_ALLOW_LOOPBACK`` is set (tests).
    """
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApplicationError("invalid_url", gettext_lazy("Give an http:// or https:// URL."), field="url")
    if parts.username or parts.password:
        raise ApplicationError(
            "invalid_url", gettext_lazy("The URL may not carry a user name or password."), field="url"
        )
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise ApplicationError(
            "unresolvable_url", gettext_lazy("The URL's host name cannot be resolved."), field="url"
        ) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses or not all(_address_allowed(address) for address in addresses):
        raise ApplicationError(
            "private_url",
            gettext_lazy("The URL leads to a private or local network address; give a public address."),
            field="url",
        )
    return parts.scheme, parts.hostname, port, addresses


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def callback_endpoint_set(*, enterprise, url: str) -> tuple[CallbackEndpoint, str]:
    """Register (or change) the enterprise's callback URL; returns (endpoint, secret to show
    once, "" when the URL of an existing endpoint changed and its secret stays)."""
    callback_url_check(url)
    url = url.strip()
    with transaction.atomic():
        endpoint = CallbackEndpoint.objects.select_for_update().filter(enterprise=enterprise).first()
        if endpoint is None:
            secret = _new_secret()
            # new receipts only: what came before is there to poll
            endpoint = CallbackEndpoint.objects.create(
                enterprise=enterprise, url=url, secret=secret, cursor=_latest_position(enterprise.pk)
            )
            return endpoint, secret
        endpoint.url = url
        endpoint.save(update_fields=["url", "updated_at"])
        return endpoint, ""


def _latest_position(enterprise_id: int) -> int:
    receipts_sequence()
    last = (
        Receipt.objects.filter(recipient_id=enterprise_id, position__isnull=False)
        .order_by("-position")
        .first()
    )
    return last.position if last else 0


def callback_secret_rotate(*, endpoint: CallbackEndpoint) -> str:
    secret = _new_secret()
    endpoint.secret = secret
    endpoint.save(update_fields=["secret", "updated_at"])
    return secret


def callback_endpoint_delete(*, endpoint: CallbackEndpoint) -> None:
    endpoint.delete()


def callback_resume(*, endpoint: CallbackEndpoint) -> CallbackEndpoint:
    """Staff resume a paused endpoint: failures forgotten, delivery at once."""
    with transaction.atomic():
        locked = CallbackEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        locked.status = CallbackStatus.ACTIVE
        locked.failures = 0
        locked.next_attempt_at = None
        locked.save(update_fields=["status", "failures", "next_attempt_at", "updated_at"])
        _schedule(locked.pk)
    return locked


def callback_sign(*, secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _schedule(endpoint_id: int, countdown: float = 0) -> None:
    from .tasks import deliver_receipts_task

    transaction.on_commit(
        lambda: deliver_receipts_task.apply_async(args=[endpoint_id], countdown=countdown or None)
    )


class DeliveryFailed(Exception):
    pass


def _post(url: str, body: bytes, headers: dict) -> int:
    """POST to a vetted address (the one checked, not a second DNS answer); the status."""
    scheme, host, port, addresses = callback_url_check(url)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    address = addresses[0]
    if scheme == "https":
        conn = _PinnedHTTPSConnection(host, port, address=address, timeout=TIMEOUT_SECONDS)
    else:
        conn = _PinnedHTTPConnection(host, port, address=address, timeout=TIMEOUT_SECONDS)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        if not 200 <= response.status < 300:
            excerpt = response.read(MAX_RESPONSE_BYTES).decode("utf-8", "replace")
            raise DeliveryFailed(f"HTTP {response.status} {excerpt}".strip())
        return response.status
    except (OSError, ValueError, http.client.HTTPException) as exc:  # ValueError: InvalidURL
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
    finally:
        conn.close()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def backoff(failures: int) -> dt.timedelta:
    """1, 2, 4, 8, then 16 minutes between attempts."""
    return dt.timedelta(minutes=min(2 ** max(failures - 1, 0), BACKOFF_CAP_MINUTES))


def callback_deliver(*, endpoint_id: int) -> str:
    """One delivery attempt of the endpoint's next batch; what happened, for logs and tests.

    The endpoint row stays locked during the attempt (at most ``TIMEOUT_SECONDS``): a second
    worker given the same endpoint skips it rather than posting the same batch twice.
    """
    receipts_sequence()  # before the endpoint's lock, which is held while posting
    now = timezone.now()
    with transaction.atomic():
        endpoint = (
            CallbackEndpoint.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("enterprise")
            .filter(pk=endpoint_id)
            .first()
        )
        if endpoint is None:
            return "busy"
        if endpoint.status != CallbackStatus.ACTIVE:
            return "paused"
        if endpoint.next_attempt_at and endpoint.next_attempt_at > now:
            return "not_due"
        batch = receipts_after(
            enterprise_id=endpoint.enterprise_id,
            cursor=endpoint.cursor,
            limit=CALLBACK_BATCH,
        )
        if not batch:
            return "idle"
        sent_at = return_time(now)
        last = batch[-1].position
        body = json.dumps(
            {"receipts": [receipt_as_dict(r) for r in batch], "next": last, "sentAt": sent_at},
            ensure_ascii=False,
        ).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "customs-portal-receipts/1",
            "X-Portal-Signature": callback_sign(secret=endpoint.secret, body=body),
            "X-Portal-Timestamp": sent_at,
        }
        endpoint.last_attempt_at = now
        try:
            _post(endpoint.url, body, headers)
        except (DeliveryFailed, ApplicationError) as exc:
            endpoint.failures += 1
            endpoint.last_error = str(exc)[:500]
            if endpoint.failures >= MAX_FAILURES:
                endpoint.status = CallbackStatus.PAUSED
                endpoint.next_attempt_at = None
                _notify_paused(endpoint)
                outcome = "paused"
            else:
                delay = backoff(endpoint.failures)
                endpoint.next_attempt_at = now + delay
                _schedule(endpoint.pk, countdown=delay.total_seconds())
                outcome = "failed"
        else:
            endpoint.failures = 0
            endpoint.last_error = ""
            endpoint.last_success_at = now
            endpoint.next_attempt_at = None
            endpoint.cursor = last
            if len(batch) == CALLBACK_BATCH:
                _schedule(endpoint.pk)  # more are waiting
            outcome = "delivered"
        endpoint.save(
            update_fields=[
                "status", "failures", "last_error", "last_attempt_at", "last_success_at", "next_attempt_at",
                "cursor", "updated_at",
            ]
        )  # fmt: skip
    return outcome


# the notification to the enterprise's administrators, read in each one's language
CALLBACK_PAUSED = texts.define(
    "exchange.notice.callback_paused", gettext_lazy("Receipts are no longer pushed to your callback URL")
)
CALLBACK_PAUSED_BODY = texts.define(
    "exchange.notice.callback_paused.body",
    gettext_lazy(
        "%(n)d deliveries to %(url)s failed in a row (last error: %(error)s). The portal has "
        "paused the callback; your receipts can still be fetched from GET /api/v1/receipts/. "
        "Fix the receiving end and ask customs to resume it."
    ),
)


def _notify_paused(endpoint: CallbackEndpoint) -> None:
    from django.urls import reverse

    from notifications.services import notification_create

    admins = list(endpoint.enterprise.users.filter(is_active=True, is_enterprise_admin=True))
    notification_create(
        kind="callback_paused",
        title=texts.stored(CALLBACK_PAUSED),
        body=texts.stored(
            CALLBACK_PAUSED_BODY, n=endpoint.failures, url=endpoint.url, error=endpoint.last_error
        ),
        link=reverse("account:callback"),
        enterprise=endpoint.enterprise,
        users=admins,
    )


def callbacks_due() -> list[int]:
    """Active endpoints whose next attempt is due (the periodic sweep re-queues them)."""
    now = timezone.now()
    return list(
        CallbackEndpoint.objects.filter(status=CallbackStatus.ACTIVE)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .values_list("pk", flat=True)
    )
