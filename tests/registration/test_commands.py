"""The ops commands: create_staff, import_enterprises, create_api_key."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from registration.models import Enterprise, EnterpriseAPIKey, EnterpriseHistory, EnterpriseStatus, User
from tests.conftest import make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Commands speak the portal's default language (Chinese); these tests read them in English."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_problem_reasons_are_translated():
    from django.utils import translation

    from registration.onboarding import enterprise_import

    with translation.override("zh-hans"):
        problems = enterprise_import(rows=[], header=["name"]).problems
    assert str(problems[0]).startswith("row 0: uscc: ")
    assert "missing column" not in str(problems[0])


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


# --- create_staff -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "group"), [("reviewer", "customs reviewer"), ("risk_officer", "risk officer"), ("ops", "ops")]
)
def test_create_staff_makes_a_staff_user_with_a_totp_device_and_prints_the_uri(role, group):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    code, out, _err = run("create_staff", "li.customs", "--role", role, "--email", "li@customs.example")
    assert code == 0
    user = User.objects.get(username="li.customs")
    assert user.is_staff and not user.is_superuser and user.enterprise is None
    assert list(user.groups.values_list("name", flat=True)) == [group]
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    uri = re.search(r"otpauth://totp/\S+", out).group(0)
    assert uri == device.config_url and "secret=" in uri
    # the printed password works, and the device accepts a code from the printed secret
    password = re.search(r"Initial password: (\S+)", out).group(1)
    assert user.check_password(password)
    assert device.verify_token(f"{totp(device.bin_key):06d}")


def test_create_staff_refuses_an_existing_username(staff_factory):
    staff_factory("reviewer", username="taken")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_staff", "taken", "--role", "ops", stdout=io.StringIO())
    assert User.objects.filter(username="taken").count() == 1


def test_create_staff_refuses_an_unknown_role():
    with pytest.raises(CommandError):
        call_command("create_staff", "someone", "--role", "admin", stdout=io.StringIO())
    assert not User.objects.filter(username="someone").exists()


# --- import_enterprises -----------------------------------------------------------------------
HEADER = "name,uscc,customs_code,roles,contact_name,contact_phone,contact_email,pilot_zone,credit_rating"


def row(n, **over):
    data = {
        "name": f"导入企业{n}有限公司",
        "uscc": make_uscc(70000 + n),
        "customs_code": f"33000000{n:02d}",
        "roles": "owner;broker",
        "contact_name": "钱七",
        "contact_phone": f"1390000{n:04d}",
        "contact_email": f"import{n}@example.com",
        "pilot_zone": "yes",
        "credit_rating": "advanced",
    }
    data.update(over)
    return ",".join(data[c] for c in HEADER.split(","))


@pytest.fixture
def csv_file(tmp_path):
    def write(*rows, header=HEADER):
        path = tmp_path / "enterprises.csv"
        path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        return str(path)

    return write


def test_import_creates_approved_enterprises(csv_file):
    code, out, err = run("import_enterprises", csv_file(row(1), row(2, roles="platform", pilot_zone="no")))
    assert (code, out.strip(), err) == (0, "created 2, updated 0", "")
    first = Enterprise.objects.get(customs_code="3300000001")
    assert first.status == EnterpriseStatus.APPROVED
    assert (first.is_owner, first.is_broker, first.is_platform) == (True, True, False)
    assert first.pilot_zone and first.credit_rating == "advanced"
    second = Enterprise.objects.get(customs_code="3300000002")
    assert second.roles == ["platform"] and not second.pilot_zone
    assert (
        EnterpriseHistory.objects.filter(enterprise=first, to_status=EnterpriseStatus.APPROVED).count() == 1
    )


def test_importing_twice_changes_nothing_the_second_time(csv_file):
    path = csv_file(row(1), row(2))
    assert run("import_enterprises", path)[1].strip() == "created 2, updated 0"
    before = (Enterprise.objects.count(), EnterpriseHistory.objects.count())
    assert run("import_enterprises", path)[1].strip() == "created 0, updated 0"
    assert (Enterprise.objects.count(), EnterpriseHistory.objects.count()) == before


def test_import_updates_by_uscc(csv_file):
    run("import_enterprises", csv_file(row(1)))
    code, out, _ = run(
        "import_enterprises", csv_file(row(1, credit_rating="dishonest", name="改名公司"), row(3))
    )
    assert (code, out.strip()) == (0, "created 1, updated 1")
    updated = Enterprise.objects.get(uscc=make_uscc(70001))
    assert (updated.credit_rating, updated.name) == ("dishonest", "改名公司")


def test_import_accepts_lower_case_usccs_with_spaces(csv_file):
    messy = " ".join(make_uscc(70001).lower()[i : i + 6] for i in range(0, 18, 6))
    assert run("import_enterprises", csv_file(row(1, uscc=messy)))[0] == 0
    assert Enterprise.objects.filter(uscc=make_uscc(70001)).exists()


def test_dry_run_saves_nothing(csv_file):
    code, out, _ = run("import_enterprises", csv_file(row(1), row(2)), "--dry-run")
    assert code == 0 and "created 2, updated 0" in out
    assert not Enterprise.objects.exists() and not EnterpriseHistory.objects.exists()


def test_one_bad_row_saves_nothing_and_lists_every_problem(csv_file):
    bad_uscc = make_uscc(70002)[:-1] + ("0" if make_uscc(70002)[-1] != "0" else "1")
    path = csv_file(
        row(1),
        row(2, uscc=bad_uscc, roles="owner;smuggler"),
        row(3, pilot_zone="maybe", credit_rating="excellent", contact_email="not-an-email"),
        row(4, customs_code="123", name=""),
    )
    code, out, err = run("import_enterprises", path)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert [line.split(":")[0] + ":" + line.split(":")[1] for line in lines] == [
        "row 2: uscc",
        "row 2: roles",
        "row 3: contact_email",
        "row 3: pilot_zone",
        "row 3: credit_rating",
        "row 4: name",
        "row 4: customs_code",
    ]
    assert all(re.fullmatch(r"row \d+: \w+: .+", line) for line in lines)
    assert not Enterprise.objects.exists()


def test_duplicates_in_the_file_and_codes_held_by_others_are_problems(csv_file, enterprise_factory):
    enterprise_factory(customs_code="3300000009")
    path = csv_file(row(1), row(2, uscc=make_uscc(70001)), row(3, customs_code="3300000001"), row(9))
    code, _out, err = run("import_enterprises", path)
    assert code == 1
    assert "row 2: uscc: also on row 1" in err
    assert "row 3: customs_code: also on row 1" in err
    assert "row 4: customs_code: already assigned to another enterprise" in err
    assert Enterprise.objects.count() == 1


def test_an_enterprise_in_review_is_not_approved_by_an_import(csv_file, enterprise_factory):
    signed_up = enterprise_factory(approved=False, uscc=make_uscc(70001))
    code, _out, err = run("import_enterprises", csv_file(row(1)))
    assert code == 1 and err.startswith("row 1: uscc:")
    assert Enterprise.objects.get(pk=signed_up.pk).status == EnterpriseStatus.PENDING_REVIEW


def test_a_missing_column_is_reported(csv_file):
    code, _out, err = run("import_enterprises", csv_file("x,y", header="name,uscc"))
    assert code == 1 and "customs_code: missing column" in err


def test_a_missing_file_is_an_error():
    with pytest.raises(CommandError):
        call_command("import_enterprises", "/nonexistent.csv", stdout=io.StringIO())


# --- create_api_key ---------------------------------------------------------------------------
def test_create_api_key_prints_a_working_key_once(enterprise_factory):
    platform = enterprise_factory(roles=("platform",), customs_code="3100555555")
    code, out, _err = run("create_api_key", "3100555555", "--name", "order system")
    assert code == 0
    key = out.strip()
    stored = EnterpriseAPIKey.objects.get_from_key(key)
    assert stored.enterprise == platform and stored.name == "order system"
    assert key not in str(EnterpriseAPIKey.objects.values_list().get())  # only a hash is kept


def test_create_api_key_for_an_unknown_code_fails():
    with pytest.raises(CommandError, match="No enterprise"):
        call_command("create_api_key", "0000000000", "--name", "x", stdout=io.StringIO())


def test_create_api_key_needs_an_approved_enterprise(enterprise_factory):
    enterprise_factory(approved=False, customs_code="3100666666")
    with pytest.raises(CommandError):
        call_command("create_api_key", "3100666666", "--name", "x", stdout=io.StringIO())
    assert not EnterpriseAPIKey.objects.exists()
