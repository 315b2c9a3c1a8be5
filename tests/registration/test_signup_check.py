"""Sign-up as a long, legal form: an error summary on top, the scans kept across a failed
submission, and a check-your-answers page (refused when stale) before anything is registered."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from customs_portal import kept_uploads
from registration.models import Enterprise, User

from .test_signup import EXE, pdf, png, signup_post

pytestmark = pytest.mark.django_db

SIGNUP = reverse("registration:signup")
CHECK = reverse("registration:signup_check")


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


def test_a_failed_submission_keeps_the_scans_and_says_so(client):
    page = client.post(SIGNUP, signup_post(uscc="91310115MA1K3YJ12Z"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'data-testid="kept-licence_file">Already uploaded: <strong>licence.pdf</strong>', html)
    assert re.search(
        r'data-testid="kept-tax_certificate_file">Already uploaded: <strong>tax.png</strong>', html
    )
    # corrected, without choosing the files again: on to the check page, which names them
    fixed = signup_post(licence_file="", tax_certificate_file="")
    response = client.post(SIGNUP, {k: v for k, v in fixed.items() if v != ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response.url == CHECK
    check = client.get(CHECK, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="check-licence_file">licence.pdf<' in check
    assert 'data-testid="check-tax_certificate_file">tax.png<' in check
    assert not Enterprise.objects.exists()


def test_a_scan_that_fails_its_check_is_not_kept_and_the_field_asks_again(client):
    html = client.post(
        SIGNUP,
        signup_post(uscc="bad", licence_file=pdf("evil.pdf", EXE)),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert 'data-testid="kept-licence_file"' not in html
    assert 'data-testid="kept-tax_certificate_file"' in html
    assert "PDF, JPEG or PNG" in html


def test_a_new_scan_replaces_the_kept_one_and_the_old_file_is_deleted(client, settings):
    client.post(SIGNUP, signup_post(uscc="bad"))
    first = client.session["kept_uploads"]["signup"]
    old_path = settings.MEDIA_ROOT / "kept-uploads" / first["licence_file"]["path"]
    assert old_path.is_file()
    client.post(SIGNUP, signup_post(uscc="bad", licence_file=pdf("second.pdf")))
    now = client.session["kept_uploads"]["signup"]["licence_file"]
    assert now["name"] == "second.pdf" and not old_path.exists()


def test_the_error_summary_links_to_each_field_and_the_title_says_error(client):
    html = client.post(
        SIGNUP, signup_post(uscc="bad", contact_phone="123"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert re.search(r"<title>Error: Register an enterprise</title>", html)
    summary = html.split('data-testid="error-summary"', 1)[1].split("</ul>", 1)[0]
    assert "There is a problem" in summary
    assert '<a href="#id_uscc">' in summary and '<a href="#id_contact_phone">' in summary
    # the summary comes before the page's heading
    assert html.index('data-testid="error-summary"') < html.index("<h1")
    chinese = client.post(SIGNUP, signup_post(uscc="bad"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert re.search(r"<title>错误：企业注册</title>", chinese)


def test_a_page_without_errors_has_no_summary_and_no_prefix(client):
    html = client.get(SIGNUP, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="error-summary"' not in html
    assert "<title>Register an enterprise</title>" in html


def test_aria_describedby_points_only_at_rendered_ids(client):
    for response in (
        client.get(SIGNUP, HTTP_ACCEPT_LANGUAGE="en"),
        client.post(SIGNUP, signup_post(uscc="bad", roles=[]), HTTP_ACCEPT_LANGUAGE="en"),
    ):
        html = response.content.decode()
        ids = set(re.findall(r'\sid="([^"]+)"', html))
        described = [i for value in re.findall(r'aria-describedby="([^"]+)"', html) for i in value.split()]
        assert described, "the fields with help or errors are described"
        assert set(described) <= ids, set(described) - ids
    assert "id_uscc_error" in described and "id_roles_error" in described


def test_the_check_page_shows_what_will_be_sent_with_the_declaration_beside_the_button(client):
    client.post(SIGNUP, signup_post(), HTTP_ACCEPT_LANGUAGE="en")
    html = client.get(CHECK, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for value in (
        "上海测试贸易有限公司",
        "13800138000",
        "li@example.com",
        "li.si",
        "Goods owner, Customs broker",
    ):
        assert value in html, value
    assert "Sturdy-pass-2026" not in html  # the password is not shown back (nor kept in the clear)
    form = html.split('<form method="post" action="/registration/signup/check/"', 1)[1]
    assert form.index('data-testid="declaration-text"') < form.index('data-testid="confirm-submit"')
    assert not Enterprise.objects.exists() and not User.objects.exists()
    assert "Sturdy-pass-2026" not in str(dict(client.session))


def test_a_stale_check_page_is_refused(client):
    client.post(SIGNUP, signup_post(), HTTP_ACCEPT_LANGUAGE="en")
    old_state = client.get(CHECK).context["state"]
    # the answers change in another tab: the old page's confirmation registers nothing
    client.post(SIGNUP, signup_post(name="另一家公司"), HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(CHECK, {"state": old_state}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert not Enterprise.objects.exists()
    assert "changed after this page was shown" in response.content.decode()
    # the fresh page registers the latest answers
    fresh = client.get(CHECK).context["state"]
    assert client.post(CHECK, {"state": fresh}).status_code == 302
    assert Enterprise.objects.get().name == "另一家公司"


def test_confirming_twice_registers_once_and_removes_the_kept_scans(client, settings):
    client.post(SIGNUP, signup_post())
    state = client.get(CHECK).context["state"]
    assert client.post(CHECK, {"state": state}).url == reverse("registration:verify")
    assert not any((settings.MEDIA_ROOT / "kept-uploads").iterdir())
    enterprise = Enterprise.objects.get()
    assert enterprise.licence_file and enterprise.tax_certificate_file
    assert User.objects.get(username="li.si").check_password("Sturdy-pass-2026")
    client.logout()
    again = client.post(CHECK, {"state": state})
    assert again.status_code == 302 and again.url == SIGNUP
    assert Enterprise.objects.count() == 1


def test_the_check_page_without_answers_leads_to_the_form(client):
    assert client.get(CHECK).url == SIGNUP
    assert client.post(CHECK, {"state": "x"}).url == SIGNUP


def test_another_visitor_does_not_get_someone_elses_kept_scans(client, django_user_model):
    from django.test import Client

    client.post(SIGNUP, signup_post(uscc="bad"))
    other = Client()
    html = other.get(SIGNUP, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Already uploaded" not in html
    assert other.get(CHECK).url == SIGNUP


def test_a_uscc_taken_meanwhile_is_shown_on_the_form_before_the_check_page(client, enterprise_factory):
    existing = enterprise_factory()
    response = client.post(SIGNUP, signup_post(uscc=existing.uscc), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "already registered" in " ".join(response.context["form"].errors["uscc"])


def test_the_sweep_deletes_kept_files_older_than_a_session(client, settings):
    import os
    import time

    client.post(SIGNUP, signup_post(uscc="bad", tax_certificate_file=png()))
    folder = settings.MEDIA_ROOT / "kept-uploads"
    files = list(folder.iterdir())
    assert len(files) == 2
    old = time.time() - settings.SESSION_COOKIE_AGE - 60
    os.utime(files[0], (old, old))
    assert kept_uploads.sweep() == 1
    assert [p.name for p in folder.iterdir()] == [files[1].name]
