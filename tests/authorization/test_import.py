"""Brokers' bulk import (CSV or XLSX): every row checked, all or nothing, the same rules for
the browser (preview, then confirm) and for ``import_authorizations``."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from authorization import services
from authorization.imports import COLUMNS
from authorization.models import Authorization, AuthorizationPreference
from tests.conftest import make_uscc

pytestmark = pytest.mark.django_db

D = dt.date
IMPORT = reverse("authorization:import")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2026, 6, 1))
    monkeypatch.setattr(services, "_today", lambda: D(2026, 6, 1))


@pytest.fixture
def principals(enterprise_factory):
    return [enterprise_factory(roles=("owner",)), enterprise_factory(roles=("ecommerce",))]


def row(principal, **overrides):
    data = {
        "principal_uscc": principal.uscc if hasattr(principal, "uscc") else principal,
        "contact_name": "赵磊",
        "contact_phone": "13800000006",
        "contact_email": "zhao@example.com",
        "scope": "export",
        "valid_from": "2026-07-01",
        "valid_to": "2027-06-30",
        "auto_renew": "yes",
    }
    data.update(overrides)
    return data


def csv_bytes(rows, columns=COLUMNS) -> bytes:
    lines = [",".join(columns)] + [",".join(str(r.get(c, "")) for c in columns) for r in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    for r in rows:
        values = [r[c] for c in COLUMNS]
        # a spreadsheet holds real dates, not text
        values[5], values[6] = D.fromisoformat(values[5]), D.fromisoformat(values[6])
        ws.append(values)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(tmp_path, content, *args, name="principals.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_authorizations", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


# --- the command ----------------------------------------------------------------------------
def test_command_creates_awaiting_the_principals_confirmation(tmp_path, broker, principals, trader_factory):
    users = [trader_factory(p) for p in principals]
    code, out, err = run(tmp_path, csv_bytes([row(p) for p in principals]), "--agent", broker.customs_code)
    assert (code, out.strip(), err) == (0, "created 2, updated 0", "")
    for principal, user in zip(principals, users, strict=True):
        auth = Authorization.objects.get(principal=principal)
        assert auth.agent == broker and auth.status == "awaiting_confirmation" and auth.imported
        assert auth.initiated_by == "agent" and auth.principal_contact_name == "赵磊" and auth.auto_renew
        assert auth.valid_from == D(2026, 7, 1) and auth.valid_to == D(2027, 6, 30)
        assert user.notifications.filter(kind="authorization").count() == 1


def test_running_the_same_file_twice_changes_nothing(tmp_path, broker, principals):
    content = csv_bytes([row(p) for p in principals])
    run(tmp_path, content, "--agent", broker.customs_code)
    code, out, _ = run(tmp_path, content, "--agent", broker.customs_code)
    assert (code, out.strip()) == (0, "created 0, updated 0")
    assert Authorization.objects.count() == 2


def test_new_terms_for_an_unconfirmed_import_update_it(tmp_path, broker, principals):
    run(tmp_path, csv_bytes([row(p) for p in principals]), "--agent", broker.customs_code)
    content = csv_bytes([row(principals[0], scope="both"), row(principals[1])])
    code, out, _ = run(tmp_path, content, "--agent", broker.customs_code)
    assert (code, out.strip()) == (0, "created 0, updated 1")
    auth = Authorization.objects.get(principal=principals[0])
    assert auth.scope == "both" and auth.status == "awaiting_confirmation"
    assert auth.history.order_by("id").last().event == "import_update"


def test_a_principal_with_automatic_confirmation_goes_straight_to_review(
    tmp_path, broker, principals, authorization_factory
):
    partner = principals[0]
    authorization_factory(partner, broker, status="expired", valid_to=D(2026, 5, 31))
    AuthorizationPreference.objects.create(enterprise=partner, auto_confirm_partners=True)
    run(tmp_path, csv_bytes([row(p) for p in principals]), "--agent", broker.customs_code)
    assert Authorization.objects.get(principal=partner, imported=True).status == "under_review"
    assert Authorization.objects.get(principal=principals[1]).status == "awaiting_confirmation"


def test_xlsx_is_read_like_csv(tmp_path, broker, principals):
    code, out, _ = run(
        tmp_path, xlsx_bytes([row(p) for p in principals]), "--agent", broker.customs_code, name="p.xlsx"
    )
    assert (code, out.strip()) == (0, "created 2, updated 0")


def test_dry_run_counts_and_saves_nothing(tmp_path, broker, principals):
    code, out, _ = run(
        tmp_path, csv_bytes([row(p) for p in principals]), "--agent", broker.customs_code, "--dry-run"
    )
    assert code == 0 and out.startswith("created 2, updated 0")
    assert not Authorization.objects.exists()


def test_every_bad_row_is_reported_and_nothing_is_saved(tmp_path, broker, principals, enterprise_factory):
    logistics = enterprise_factory(roles=("logistics",))
    rows = [
        row(principals[0]),  # 1: fine, but not saved since others are wrong
        row("91310115000000000X"),  # 2: bad check character
        row(principals[1], scope="everything", contact_email="nope"),  # 3
        row(principals[0]),  # 4: same principal twice
        row(logistics, valid_from="2026-07-01", valid_to="2026-06-30"),  # 5
        row(make_uscc(990001), valid_from="01/07/2026"),  # 6: valid code, nobody registered
        row(
            principals[1],
            auto_renew="maybe",
            contact_phone="",
            valid_to="2026-05-01",
            valid_from="2026-01-01",
        ),
    ]
    code, out, err = run(tmp_path, csv_bytes(rows), "--agent", broker.customs_code)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    fields = [tuple(line.split(": ", 2)[:2]) for line in lines]
    assert all(line.startswith("row ") and line.count(": ") >= 2 for line in lines)
    assert ("row 2", "principal_uscc") in fields
    assert ("row 3", "scope") in fields and ("row 3", "contact_email") in fields
    assert ("row 4", "principal_uscc") in fields
    assert ("row 5", "valid_to") in fields and ("row 5", "principal_uscc") in fields
    assert ("row 6", "valid_from") in fields and ("row 6", "principal_uscc") in fields
    assert ("row 7", "auto_renew") in fields and ("row 7", "contact_phone") in fields
    assert ("row 7", "valid_to") in fields
    assert not any(f[0] == "row 1" for f in fields)
    assert not Authorization.objects.exists()


def test_a_missing_column_is_reported(tmp_path, broker, principals):
    columns = [c for c in COLUMNS if c != "scope"]
    code, _, err = run(
        tmp_path, csv_bytes([row(p) for p in principals], columns), "--agent", broker.customs_code
    )
    assert code == 1 and "scope" in err
    assert not Authorization.objects.exists()


def test_unknown_agent_file_or_a_non_broker_agent_fails_cleanly(tmp_path, broker, principals):
    content = csv_bytes([row(p) for p in principals])
    with pytest.raises(CommandError):
        run(tmp_path, content, "--agent", "3199999999")
    with pytest.raises(CommandError):
        call_command("import_authorizations", str(tmp_path / "missing.csv"), "--agent", broker.customs_code)
    code, _, err = run(tmp_path, content, "--agent", principals[0].customs_code)
    assert code == 1 and "agent" in err
    with pytest.raises(CommandError):
        run(tmp_path, b"\xff\xfe not utf-8 \x81", "--agent", broker.customs_code)
    assert not Authorization.objects.exists()


# --- the browser: preview, then confirm -------------------------------------------------------
@pytest.fixture
def broker_client(broker_user):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(broker_user)
    return c


def upload(content, name="principals.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_preview_shows_every_rows_errors_and_offers_no_confirmation(broker_client, principals):
    rows = [row(principals[0]), row(principals[1], scope="x")]
    response = broker_client.post(IMPORT, {"file": upload(csv_bytes(rows))})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="import-errors"' in page and "scope: must be import, export or both" in page
    assert 'data-testid="confirm-import"' not in page
    assert not Authorization.objects.exists()


def test_preview_then_confirm_saves(broker_client, broker, principals):
    response = broker_client.post(
        IMPORT, {"file": upload(xlsx_bytes([row(p) for p in principals]), "p.xlsx")}
    )
    assert response.status_code == 200
    assert "2 to create" in response.content.decode()
    assert not Authorization.objects.exists()  # nothing before the broker confirms
    token = response.context["token"]
    response = broker_client.post(IMPORT, {"token": token})
    assert response.status_code == 302
    assert Authorization.objects.filter(agent=broker, status="awaiting_confirmation").count() == 2
    # the token is spent
    broker_client.post(IMPORT, {"token": token})
    assert Authorization.objects.count() == 2


def test_a_token_from_another_session_or_broker_is_useless(
    broker_client, principals, enterprise_factory, trader_factory
):
    token = broker_client.post(IMPORT, {"file": upload(csv_bytes([row(p) for p in principals]))}).context[
        "token"
    ]
    other_broker = enterprise_factory(roles=("broker",))
    other = Client()
    other.force_login(trader_factory(other_broker))
    assert other.post(IMPORT, {"token": token}).status_code == 302
    assert not Authorization.objects.exists()


@pytest.mark.parametrize(
    ("content", "name"), [(b"\xff\xfe\x00bad", "p.csv"), (b"PK\x03\x04broken", "p.xlsx"), (b"a,b", "p.pdf")]
)
def test_unreadable_files_are_refused_with_a_message(broker_client, content, name):
    response = broker_client.post(IMPORT, {"file": upload(content, name)})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not Authorization.objects.exists()
