"""The intake inbox: ``Prefer: respond-async`` answers 202 at once, workers process later.

A message sent with the preference is checked as without it (key, size, schema, envelope),
stored in one insert and answered 202 with its guid and where to poll. Workers on the
``intake`` queue process the stored messages in batches through the synchronous path's own
intake, so the receipts are the same; and nothing received is lost or processed twice, even
when a worker is killed in the middle of a batch or two workers drain at once.
"""

import json
import os
import signal
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from declarations.inbox import services as inbox
from declarations.inbox.models import InboxMessage
from declarations.models import IntakeRejection, Order

from . import ceb_builders as b
from . import in_english
from .inbox_worker import intake_worker, log_tail, real_broker, wait_for, wait_ready
from .parcels import make_cast

_english = in_english._english
api_client_for = in_english.api_client_for

ASYNC = {"HTTP_PREFER": "respond-async"}


@pytest.fixture(autouse=True)
def _no_random_inspection(db):
    from declarations.channels.models import InspectionSetting

    InspectionSetting.objects.create(rate=0)


@pytest.fixture
def cast(enterprise_factory):
    return make_cast(enterprise_factory)


def post_xml(api, body, **headers):
    return api.generic("POST", "/api/v1/messages/", body, content_type="application/xml", **headers)


def post_orders(api, entries, **headers):
    return api.post("/api/v1/orders/", {"entries": entries}, format="json", **headers)


def order(cast, **kw):
    return b.order_entry(ebp=cast.platform, ebc=cast.ebc, **kw)


# --- the request path ------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_message_sent_with_respond_async_is_answered_202_with_its_guid_and_where_to_poll(
    cast, api_client_for
):
    api = api_client_for(cast.platform)
    response = post_xml(api, b.message("order", [order(cast), order(cast)]), **ASYNC)

    assert response.status_code == 202, response.content
    body = response.json()
    guid = str(uuid.UUID(body["guid"]))
    assert body == {"guid": guid, "status": "received", "location": f"/api/v1/messages/{guid}/"}
    assert response["Location"] == f"/api/v1/messages/{guid}/"
    assert response["Preference-Applied"] == "respond-async"
    # stored, not processed yet: the sender polls and sees it waiting
    assert Order.objects.count() == 0
    polled = api.get(body["location"])
    assert polled.status_code == 200
    assert polled.json()["status"] == "received"
    assert polled.json()["receipts"] is None
    message = InboxMessage.objects.get()
    assert (message.sender, message.kind, message.format, message.entry_count) == (
        cast.platform,
        "order",
        "xml",
        2,
    )


@pytest.mark.django_db
def test_a_json_batch_with_respond_async_is_stored_as_sent_and_answered_202(cast, api_client_for):
    api = api_client_for(cast.platform)
    entry = order(cast)
    response = post_orders(api, [entry], HTTP_PREFER="wait=5, respond-async")

    assert response.status_code == 202, response.content
    assert response["Preference-Applied"] == "respond-async"
    message = InboxMessage.objects.get(guid=response.json()["guid"])
    assert (message.format, message.entry_count) == ("json", 1)
    assert json.loads(bytes(message.body)) == {"entries": [entry]}
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_another_enterprise_polling_a_message_gets_404_like_a_guid_that_does_not_exist(cast, api_client_for):
    response = post_xml(api_client_for(cast.platform), b.message("order", [order(cast)]), **ASYNC)
    location = response.json()["location"]

    other = api_client_for(cast.ebc)
    assert other.get(location).status_code == 404
    assert other.get(f"/api/v1/messages/{uuid.uuid4()}/").status_code == 404
    assert other.get(location).json() == other.get(f"/api/v1/messages/{uuid.uuid4()}/").json()


@pytest.mark.django_db
def test_a_message_refused_whole_is_answered_as_without_the_preference_and_nothing_is_stored(
    cast, api_client_for
):
    api = api_client_for(cast.platform)
    broken = b.message("order", [order(cast)]).replace(b"<ceb:orderType>E</ceb:orderType>", b"")
    without = post_xml(api, broken)
    with_async = post_xml(api, broken, **ASYNC)
    assert with_async.status_code == without.status_code == 400
    assert with_async.json() == without.json()
    for envelope in ({"entries": []}, {"entries": "x"}):
        plain = api.post("/api/v1/orders/", envelope, format="json")
        preferred = api.post("/api/v1/orders/", envelope, format="json", **ASYNC)
        assert preferred.status_code == plain.status_code == 400
        assert preferred.json() == plain.json()
    assert not InboxMessage.objects.exists()


# --- the worker ------------------------------------------------------------------------------
def _sync_then_async(api, send):
    """The synchronous answer to ``send``, rolled back; then the same sent asynchronously and
    processed (the drain runs after commit, in-process under the test settings)."""
    with transaction.atomic():
        sync = send(api, {})
        transaction.set_rollback(True)
    assert sync.status_code == 200, sync.content
    return sync.json()


@pytest.mark.django_db
def test_the_receipts_of_an_async_message_are_those_the_synchronous_path_answers(
    cast, api_client_for, django_capture_on_commit_callbacks
):
    api = api_client_for(cast.platform)
    taken = order(cast)
    post_orders(api, [taken])  # a key already used: a duplicate in the messages below
    xml = b.message("order", [order(cast), order(cast, order_no=taken["orderNo"])])
    bad = order(cast)
    bad["ebcCode"] = "9999999999"  # no approved enterprise: rejected by the service
    wrong = b.order_entry(ebp=cast.ebc, ebc=cast.ebc)  # speaks for someone else: rejected
    invalid = order(cast)
    del invalid["orderNo"]  # the serializer refuses it
    entries = [order(cast), taken, bad, wrong, invalid]

    for send in (
        lambda api, headers: post_xml(api, xml, **headers),
        lambda api, headers: post_orders(api, entries, **headers),
    ):
        sync = _sync_then_async(api, send)
        assert {r["status"] for r in sync} >= {"accepted", "duplicate"}
        with django_capture_on_commit_callbacks(execute=True):
            response = send(api, ASYNC)
        assert response.status_code == 202
        polled = api.get(response["Location"]).json()
        assert polled["status"] == "done"
        assert polled["receipts"] == sync


@pytest.mark.django_db
def test_the_receipts_are_written_in_the_language_the_sender_asked_for_wherever_the_worker_runs(
    cast, api_client_for
):
    from django.utils import translation

    api = api_client_for(cast.platform)  # asks for English; the portal's default is Chinese
    unknown = order(cast)
    unknown["ebcCode"] = "9999999999"
    send = lambda api, headers: post_orders(api, [unknown], **headers)  # noqa: E731
    sync = _sync_then_async(api, send)
    assert "no approved enterprise" in sync[0]["info"]
    response = send(api, ASYNC)
    with translation.override("zh-hans"):  # a worker runs under the default language
        assert inbox.inbox_process_batch() == 1
    assert api.get(response["Location"]).json()["receipts"] == sync


@pytest.mark.django_db
def test_one_entry_messages_from_many_senders_are_one_batch_whose_queries_do_not_grow_with_messages(
    enterprise_factory, api_client_for
):
    ebc = enterprise_factory(roles=("ecommerce", "owner"))
    platforms = [enterprise_factory(roles=("platform",)) for _ in range(3)]
    clients = {p.pk: api_client_for(p) for p in platforms}

    def send(count):
        for n in range(count):
            platform = platforms[n % len(platforms)]
            entry = b.order_entry(ebp=platform, ebc=ebc)
            body = b.message("order", [entry]) if n % 2 else None
            api = clients[platform.pk]
            response = post_xml(api, body, **ASYNC) if body else post_orders(api, [entry], **ASYNC)
            assert response.status_code == 202

    counts = []
    for count in (6, 30):
        send(count)
        with CaptureQueriesContext(connection) as queries:
            assert inbox.inbox_process_batch() == count  # all of them in one batch
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert set(InboxMessage.objects.values_list("status", flat=True)) == {"done"}
    assert Order.objects.count() == 36
    assert all(m.receipts[0]["status"] == "accepted" for m in InboxMessage.objects.all())


@pytest.mark.django_db
def test_a_message_that_makes_its_batch_fail_fails_alone_and_the_others_are_processed(
    cast, api_client_for, monkeypatch
):
    from declarations import intake

    api = api_client_for(cast.platform)
    poison = order(cast)
    for entry in (order(cast), poison, order(cast)):
        assert post_orders(api, [entry], **ASYNC).status_code == 202
    service = intake.batch_service

    def failing(kind):
        def receive(*, entries, sender):
            if any(entry["orderNo"] == poison["orderNo"] for entry in entries):
                raise RuntimeError("a bug in a service")
            return service(kind)(entries=entries, sender=sender)

        return receive

    monkeypatch.setattr(intake, "batch_service", failing)
    assert inbox.inbox_process_batch() == 3
    statuses = list(InboxMessage.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["done", "failed", "done"]
    assert Order.objects.count() == 2
    failed = InboxMessage.objects.get(status="failed")
    assert "a bug in a service" in failed.error
    polled = api.get(failed.location).json()
    assert (polled["status"], polled["receipts"]) == ("failed", None)


# --- real workers on Redis -------------------------------------------------------------------
def _send_one_entry_messages(cast, api, count):
    """Half as CEB XML, half as JSON, one entry each; the order numbers sent."""
    numbers = []
    for n in range(count):
        entry = order(cast)
        numbers.append(entry["orderNo"])
        response = (
            post_xml(api, b.message("order", [entry]), **ASYNC)
            if n % 2
            else post_orders(api, [entry], **ASYNC)
        )
        assert response.status_code == 202, response.content
    return numbers


def _all_done():
    return not InboxMessage.objects.exclude(status="done").exists()


def _assert_each_processed_once(numbers):
    messages = list(InboxMessage.objects.order_by("pk"))
    assert len(messages) == len(numbers)
    assert [m.status for m in messages] == ["done"] * len(numbers)
    # every message has its one receipt, accepted: processed a second time it would say duplicate
    assert [m.receipts for m in messages] == [
        [{"guid": m.receipts[0]["guid"], "key": number, "status": "accepted", "info": ""}]
        for m, number in zip(messages, numbers, strict=True)
    ]
    assert sorted(Order.objects.values_list("order_no", flat=True)) == sorted(numbers)  # each once
    assert not IntakeRejection.objects.exists()


@pytest.mark.worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_inbox_survives_a_worker_killed_mid_batch_with_nothing_lost_and_nothing_processed_twice(
    cast, api_client_for, tmp_path
):
    from declarations.inbox.tasks import drain_inbox_task

    block, pid_file = tmp_path / "block", tmp_path / "batch.pid"
    block.touch()
    env = {
        "INBOX_TEST_BLOCK_FILE": str(block),
        "INBOX_TEST_PID_FILE": str(pid_file),
        "INBOX_TEST_CLAIM_SECONDS": "3",
    }
    with real_broker():
        numbers = _send_one_entry_messages(cast, api_client_for(cast.platform), 8)
        with intake_worker(tmp_path, "doomed", env=env) as doomed:
            drain_inbox_task.delay()  # as the minute's beat would (the posts asked for one too)
            assert wait_for(pid_file.exists, 90), f"no batch started; worker log:\n{log_tail(doomed)}"
            pid, ids = pid_file.read_text().split()
            assert int(pid) == doomed.pid
            in_batch = [int(pk) for pk in ids.split(",")]
            # the entries are written, inside the batch's transaction, which has not committed
            assert Order.objects.count() == 0
            assert set(InboxMessage.objects.filter(pk__in=in_batch).values_list("status", flat=True)) == {
                "received"
            }
            os.kill(doomed.pid, signal.SIGKILL)  # as the OOM killer would
            doomed.wait(timeout=30)
        block.unlink()
        assert Order.objects.count() == 0  # PostgreSQL rolled the dead worker's batch back
        with intake_worker(tmp_path, "heir") as heir:
            # the sweeps that follow (every minute in production; here every 2 s) take the
            # dead worker's messages again once its claim (3 s here) has run out
            def swept():
                drain_inbox_task.delay()
                return wait_for(_all_done, 2)

            assert wait_for(swept, 90), f"messages left; worker log:\n{log_tail(heir)}"
    _assert_each_processed_once(numbers)
    attempts = dict(InboxMessage.objects.values_list("pk", "attempts"))
    assert all(attempts[pk] == 2 for pk in in_batch)  # the dead worker's try, then one more
    assert {m.worker.rsplit(":", 1)[1] for m in InboxMessage.objects.all()} == {str(heir.pid)}


@pytest.mark.worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_draining_at_once_take_disjoint_batches_and_process_each_message_once(
    cast, api_client_for, tmp_path, monkeypatch
):
    from declarations.inbox.tasks import drain_inbox_task

    env = {"INBOX_TEST_BATCH_ENTRIES": "4", "INBOX_TEST_SLEEP": "0.3"}
    with real_broker():
        with monkeypatch.context() as patch:  # no drain yet: both workers start on a full inbox
            patch.setattr(inbox, "inbox_schedule_drain", lambda: None)
            numbers = _send_one_entry_messages(cast, api_client_for(cast.platform), 40)
        with (
            intake_worker(tmp_path, "first", env=env) as first,
            intake_worker(tmp_path, "second", env=env) as second,
        ):
            wait_ready(first)
            wait_ready(second)
            for _ in range(2):
                drain_inbox_task.delay()
            assert wait_for(_all_done, 120), f"messages left:\n{log_tail(first)}\n{log_tail(second)}"
    _assert_each_processed_once(numbers)
    workers = {m.worker.rsplit(":", 1)[1] for m in InboxMessage.objects.all()}
    assert workers == {str(first.pid), str(second.pid)}  # both worked, on different messages


# --- ops ---------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_ops_see_the_inbox_read_only_with_its_counts_by_status(
    cast, api_client_for, staff_factory, otp_client_factory
):
    api = api_client_for(cast.platform)
    for _ in range(3):
        assert post_orders(api, [order(cast)], **ASYNC).status_code == 202
    inbox.inbox_process_batch(max_entries=1)
    ops = otp_client_factory(staff_factory("ops"))

    page = ops.get("/admin/inbox/inboxmessage/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Received, waiting to be processed: 2" in text
    assert "Processed: 1" in text
    assert "Failed: 0" in text
    message = InboxMessage.objects.first()
    assert ops.get(f"/admin/inbox/inboxmessage/{message.pk}/change/").status_code == 200  # view only
    assert ops.post(f"/admin/inbox/inboxmessage/{message.pk}/delete/").status_code == 403
    assert InboxMessage.objects.count() == 3
    reviewer = otp_client_factory(staff_factory("reviewer"))
    assert reviewer.get("/admin/inbox/inboxmessage/").status_code == 403


@pytest.mark.django_db
def test_process_inbox_processes_what_waits_and_retry_failed_puts_failed_messages_back(cast, api_client_for):
    from django.core.management import call_command

    api = api_client_for(cast.platform)
    for _ in range(2):
        assert post_orders(api, [order(cast)], **ASYNC).status_code == 202
    InboxMessage.objects.filter(pk=InboxMessage.objects.first().pk).update(status="failed")
    call_command("process_inbox", "--once")
    assert sorted(InboxMessage.objects.values_list("status", flat=True)) == ["done", "failed"]
    call_command("process_inbox", "--retry-failed")
    assert set(InboxMessage.objects.values_list("status", flat=True)) == {"done"}
    assert Order.objects.count() == 2
