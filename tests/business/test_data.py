"""The enterprise's data: one archive prepared by a Celery task with progress; the retention rule
purges closed personal data and logs what it purged."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.utils import timezone

from registration.cooperation.business.data import export_build, export_request, personal_data_purge
from registration.cooperation.business.members import join_request_create, join_request_decide
from registration.cooperation.business.models import BusinessSettings, DataExport, JoinRequest, PurgeLog
from registration.cooperation.services import question_ask
from registration.models import User
from tests.reminders.factories import returned_inventory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_administrator_downloads_one_archive_of_all_the_enterprises_data(
    client, enterprise, other_enterprise, trader, trader_factory, django_capture_on_commit_callbacks
):
    question_ask(enterprise=enterprise, actor=trader, category="other", subject="我们的问题", text="内容")
    returned_inventory(sender=enterprise)
    question_ask(
        enterprise=other_enterprise,
        actor=trader_factory(other_enterprise),
        category="other",
        subject="别人的",
        text="x",
    )
    client.force_login(trader)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/cooperation/data/").status_code == 302
    export = DataExport.objects.get(enterprise=enterprise)
    assert export.status == "ready" and export.progress == 100
    page = client.get("/cooperation/data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ready to download" in page and "100%" in page
    response = client.get(f"/cooperation/data/{export.pk}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"registration.json", "users.json", "authorizations.json", "declaration_lists.json",
            "summaries.json", "annual_reports.json", "questions.json"} <= names  # fmt: skip
    questions = json.loads(archive.read("questions.json"))
    assert [q["question__subject"] for q in questions] == ["我们的问题"]
    assert json.loads(archive.read("registration.json"))[0]["uscc"] == enterprise.uscc
    assert len(json.loads(archive.read("declaration_lists.json"))) == 1
    assert trader.username in archive.read("users.json").decode()


def test_a_second_request_while_one_is_prepared_is_the_same_and_a_rerun_task_changes_nothing(
    enterprise, trader
):
    first = export_request(enterprise=enterprise, actor=trader)  # no commit in this test: not run yet
    assert export_request(enterprise=enterprise, actor=trader).pk == first.pk
    export_build(export_id=first.pk)
    done = DataExport.objects.get(pk=first.pk)
    name = done.file.name
    export_build(export_id=first.pk)
    assert DataExport.objects.get(pk=first.pk).file.name == name


@pytest.mark.parametrize("path", ["/cooperation/data/"])
def test_only_the_administrator_prepares_and_downloads(
    client, path, enterprise, other_enterprise, trader, trader_factory
):
    export = export_request(enterprise=enterprise, actor=trader)
    export_build(export_id=export.pk)
    download = f"/cooperation/data/{export.pk}/download/"
    assert client.get(path).status_code == 302
    client.force_login(trader_factory(enterprise, admin=False))
    assert client.get(path).status_code == 403 and client.get(download).status_code == 403
    client.force_login(trader_factory(other_enterprise))
    assert client.get(download).status_code == 404
    assert client.post(path).status_code == 302
    assert not DataExport.objects.filter(enterprise=enterprise).exclude(pk=export.pk).exists()


def test_retention_purges_closed_personal_data_older_than_the_setting_and_logs_it(
    enterprise, trader, trader_factory
):
    row = BusinessSettings.load()
    row.retention_days = 30
    row.save()
    old = join_request_create(uscc=enterprise.uscc, full_name="旧申请", username="old.one", email="old@example.com",
                              password="a-long-enough-passphrase-42")  # fmt: skip
    join_request_decide(request=old, actor=trader, accept=False)
    fresh = join_request_create(uscc=enterprise.uscc, full_name="新申请", username="new.one", email="new@example.com",
                                password="a-long-enough-passphrase-42")  # fmt: skip
    removed = trader_factory(enterprise, admin=False)
    User.objects.filter(pk=removed.pk).update(
        is_active=False, date_joined=timezone.now() - dt.timedelta(days=60)
    )
    export = export_request(enterprise=enterprise, actor=trader)
    export_build(export_id=export.pk)
    JoinRequest.objects.filter(pk=old.pk).update(decided_at=timezone.now() - dt.timedelta(days=31))
    DataExport.objects.filter(pk=export.pk).update(created_at=timezone.now() - dt.timedelta(days=31))

    call_command("purge_personal_data", "--dry-run")
    assert JoinRequest.objects.filter(pk=old.pk).exists() and not PurgeLog.objects.exists()
    log = personal_data_purge()
    assert (log.join_requests, log.members, log.archives) == (1, 1, 1)
    assert not JoinRequest.objects.filter(pk=old.pk).exists()
    assert JoinRequest.objects.filter(pk=fresh.pk).exists()  # still pending
    gone = User.objects.get(pk=removed.pk)
    assert gone.email == "" and gone.phone == "" and gone.username == removed.username
    assert User.objects.get(pk=trader.pk).email  # active members keep theirs
    assert DataExport.objects.get(pk=export.pk).status == "purged"
    assert {"kind": "member", "id": removed.pk} in log.details
    assert personal_data_purge().join_requests == 0  # nothing left: a second run purges nothing
