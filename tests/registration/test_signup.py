"""Sign-up: what it collects, the USCC and upload rules, duplicates, nothing half-saved."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registration import services
from registration.models import Enterprise, EnterpriseStatus, User
from tests.conftest import make_uscc

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def pdf(name="licence.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name="tax.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def signup_kwargs(**overrides) -> dict:
    data = {
        "name": "上海测试贸易有限公司",
        "uscc": make_uscc(),
        "address": "上海市浦东新区测试路1号",
        "legal_representative": "王五",
        "contact_name": "李四",
        "contact_phone": "13800138000",
        "contact_email": "li@example.com",
        "roles": ["owner", "broker"],
        "licence_file": pdf(),
        "tax_certificate_file": png(),
        "username": "li.si",
        "password": "Sturdy-pass-2026",
    }
    data.update(overrides)
    return data


def signup_post(**overrides) -> dict:
    """The sign-up form's POST body."""
    kwargs = signup_kwargs()
    data = {
        "name": kwargs["name"],
        "uscc": kwargs["uscc"],
        "address": kwargs["address"],
        "legal_representative": kwargs["legal_representative"],
        "contact_name": kwargs["contact_name"],
        "contact_phone": kwargs["contact_phone"],
        "contact_email": kwargs["contact_email"],
        "roles": kwargs["roles"],
        "licence_file": kwargs["licence_file"],
        "tax_certificate_file": kwargs["tax_certificate_file"],
        "username": kwargs["username"],
        "password1": kwargs["password"],
        "password2": kwargs["password"],
        "channel": "email",
    }
    data.update(overrides)
    return data


def sign_up(client, data=None, **headers):
    """Fill in the form, then confirm on the check page: the response of the confirmation."""
    answered = client.post(reverse("registration:signup"), data or signup_post(), **headers)
    assert answered.status_code == 302 and answered.url == reverse("registration:signup_check"), (
        answered.context and answered.context["form"].errors
    )
    check = client.get(reverse("registration:signup_check"), **headers)
    return client.post(reverse("registration:signup_check"), {"state": check.context["state"]}, **headers)


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


# --- the service ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_signup_creates_an_unverified_enterprise_and_its_administrator():
    user = services.enterprise_signup(**signup_kwargs(pilot_zone=True))
    enterprise = user.enterprise
    assert enterprise.status == EnterpriseStatus.UNVERIFIED
    assert enterprise.roles == ["owner", "broker"]
    assert enterprise.pilot_zone is True
    assert enterprise.customs_code is None
    assert user.is_enterprise_admin and user.is_active
    assert user.email == "li@example.com" and user.phone == "13800138000"
    assert user.check_password("Sturdy-pass-2026")
    assert enterprise.history.count() == 1


@pytest.mark.django_db
def test_uploaded_scans_are_stored_under_random_names_with_the_sniffed_extension():
    user = services.enterprise_signup(
        **signup_kwargs(licence_file=pdf("my licence.png"), tax_certificate_file=png("tax.pdf"))
    )
    enterprise = user.enterprise
    assert enterprise.licence_file.name.endswith(".pdf")
    assert "licence" not in enterprise.licence_file.name.rsplit("/", 1)[1]
    assert enterprise.tax_certificate_file.name.endswith(".png")


@pytest.mark.django_db
def test_uscc_in_lower_case_with_spaces_is_accepted_and_normalised():
    uscc = make_uscc()
    spaced = " ".join([uscc[:6], uscc[6:12], uscc[12:]]).lower()
    user = services.enterprise_signup(**signup_kwargs(uscc=spaced))
    assert user.enterprise.uscc == uscc


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["", "91310115MA1K3YJ12", "91310115MA1K3YJ12XX", "A1310115MA1K3YJ12X"])
def test_malformed_uscc_is_refused(bad):
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_signup(**signup_kwargs(uscc=bad))
    assert exc.value.field == "uscc"
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_uscc_with_a_wrong_check_character_is_refused():
    uscc = make_uscc()
    wrong = uscc[:-1] + ("0" if uscc[-1] != "0" else "1")
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_signup(**signup_kwargs(uscc=wrong))
    assert exc.value.code == "invalid_uscc"


@pytest.mark.django_db
def test_an_already_registered_uscc_is_refused_and_nothing_is_saved(enterprise_factory):
    existing = enterprise_factory()
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_signup(**signup_kwargs(uscc=existing.uscc.lower()))
    assert exc.value.code == "uscc_registered"
    assert Enterprise.objects.count() == 1
    assert not User.objects.filter(username="li.si").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("licence.pdf", EXE, content_type="application/pdf"),
        SimpleUploadedFile("licence.pdf", HTML, content_type="application/pdf"),
        SimpleUploadedFile("licence.pdf", b"", content_type="application/pdf"),
    ],
    ids=["renamed-executable", "html", "empty"],
)
def test_a_scan_must_really_be_pdf_jpeg_or_png(upload):
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_signup(**signup_kwargs(licence_file=upload))
    assert exc.value.field == "licence_file"
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_a_scan_over_10_mb_is_refused(settings):
    big = pdf(content=PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_signup(**signup_kwargs(tax_certificate_file=big))
    assert exc.value.field == "tax_certificate_file"


@pytest.mark.django_db
def test_both_documents_are_required():
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_signup(**signup_kwargs(tax_certificate_file=None))
    assert exc.value.code == "document_required"


@pytest.mark.django_db
def test_at_least_one_role_is_required():
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_signup(**signup_kwargs(roles=[]))
    assert exc.value.field == "roles"
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "phone,stored", [("+86 138-0013-8000", "13800138000"), ("0086 13912345678", "13912345678")]
)
def test_mobile_phone_is_normalised(phone, stored):
    user = services.enterprise_signup(**signup_kwargs(contact_phone=phone))
    assert user.enterprise.contact_phone == stored


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["12345", "02112345678", "1380013800a"])
def test_a_wrong_mobile_phone_is_refused(phone):
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_signup(**signup_kwargs(contact_phone=phone))
    assert exc.value.code == "invalid_phone"


@pytest.mark.django_db
def test_a_weak_password_is_refused_and_nothing_is_saved():
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_signup(**signup_kwargs(password="12345678"))
    assert exc.value.code == "weak_password"
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_a_taken_user_name_is_refused_and_no_enterprise_is_left_behind(trader):
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_signup(**signup_kwargs(username=trader.username.upper()))
    assert exc.value.code == "username_taken"
    assert Enterprise.objects.filter(status=EnterpriseStatus.UNVERIFIED).count() == 0


@pytest.mark.django_db
def test_a_failure_while_saving_leaves_no_row_and_no_scan(monkeypatch, settings):
    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.EnterpriseHistory.objects, "create", boom)
    with pytest.raises(RuntimeError):
        services.enterprise_signup(**signup_kwargs())
    assert not Enterprise.objects.exists()
    assert not User.objects.filter(username="li.si").exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


# --- the page ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_signup_page_asks_for_everything_the_domain_lists(client):
    response = client.get(reverse("registration:signup"))
    assert response.status_code == 200
    form = response.context["form"]
    for field in [
        "name",
        "uscc",
        "address",
        "legal_representative",
        "contact_name",
        "contact_phone",
        "contact_email",
        "roles",
        "licence_file",
        "tax_certificate_file",
        "channel",
    ]:
        assert field in form.fields
    assert b'enctype="multipart/form-data"' in response.content


@pytest.mark.django_db
def test_the_signup_page_is_in_chinese_by_default_and_english_on_request(client):
    chinese = client.get(reverse("registration:signup"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "统一社会信用代码" in chinese.content.decode()
    english = client.get(reverse("registration:signup"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Unified social credit code" in english.content.decode()


@pytest.mark.django_db
def test_signing_up_signs_in_sends_a_code_and_leads_to_verification(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response.url == reverse("registration:verify")
    user = User.objects.get(username="li.si")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["li@example.com"]


@pytest.mark.django_db
def test_signing_up_with_sms_sends_the_code_by_sms(
    client, sms_outbox, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, signup_post(channel="sms"))
    assert [m["phone"] for m in sms_outbox] == ["13800138000"]
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_duplicate_uscc_shows_a_clear_error_on_the_form(client, enterprise_factory):
    existing = enterprise_factory()
    response = client.post(
        reverse("registration:signup"), signup_post(uscc=existing.uscc), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "already registered" in " ".join(response.context["form"].errors["uscc"])
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_the_form_shows_inline_errors_for_a_bad_uscc_and_a_renamed_executable(client):
    response = client.post(
        reverse("registration:signup"),
        signup_post(uscc="91310115MA1K3YJ12Z", licence_file=SimpleUploadedFile("a.pdf", EXE)),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    errors = response.context["form"].errors
    assert "check character" in errors["uscc"][0]
    assert "PDF, JPEG or PNG" in errors["licence_file"][0]
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_passwords_must_match(client):
    response = client.post(reverse("registration:signup"), signup_post(password2="Other-pass-2026"))
    assert "password2" in response.context["form"].errors


@pytest.mark.django_db
def test_a_signed_in_trader_is_sent_to_the_status_page(trader_client):
    response = trader_client.get(reverse("registration:signup"))
    assert response.status_code == 302
    assert response.url == reverse("registration:status")


@pytest.mark.django_db(transaction=True)
def test_two_signups_racing_for_one_uscc_give_the_loser_a_clear_error(monkeypatch, settings):
    """The check before saving can pass for both; the unique index decides, cleanly."""
    first = services.enterprise_signup(**signup_kwargs())
    monkeypatch.setattr(services, "_uscc_taken", lambda uscc, exclude_pk=None: False)
    with pytest.raises(services.ApplicationError) as exc:
        services.enterprise_signup(**signup_kwargs(uscc=first.enterprise.uscc, username="second"))
    assert exc.value.code == "uscc_registered"
    assert Enterprise.objects.count() == 1
    assert not User.objects.filter(username="second").exists()
