"""Question attachments: stored under a random name with the sniffed type's extension, served
with the sniffed type, and downloadable only by the asking enterprise and by the customs staff
who may view questions."""

import re
from pathlib import Path, PurePath

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registration.cooperation.models import Question, QuestionAttachment
from registration.cooperation.services import question_ask

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _ask(client, *files):
    return client.post(
        "/cooperation/questions/new/",
        {"category": "other", "subject": "附件", "text": "请看附件。", "attachments": list(files)},
    )


def test_a_pdf_named_html_is_stored_and_served_as_a_pdf_and_html_named_pdf_is_refused(
    trader_client, settings
):
    response = _ask(trader_client, SimpleUploadedFile("pwn.html", PDF, content_type="text/html"))
    assert response.status_code == 302
    attachment = QuestionAttachment.objects.get()
    assert re.fullmatch(r"cooperation/questions/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", attachment.file.name)
    assert attachment.original_name == "pwn.html"  # shown in the thread, never used on disk
    download = trader_client.get(f"/cooperation/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == 'attachment; filename="pwn.pdf"'
    assert b"".join(download.streaming_content) == PDF

    # HTML renamed .pdf: the sniffer refuses it and nothing more is stored
    response = _ask(trader_client, SimpleUploadedFile("invoice.pdf", HTML, content_type="application/pdf"))
    assert response.status_code == 400
    assert [e.code for e in response.context["form"].errors.as_data()["attachments"]] == ["bad_type"]
    assert Question.objects.count() == 1 and QuestionAttachment.objects.count() == 1
    assert [p.name for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == [
        PurePath(attachment.file.name).name
    ]


@pytest.fixture
def attachment(enterprise, trader):
    question = question_ask(
        enterprise=enterprise,
        actor=trader,
        category="other",
        subject="s",
        text="t",
        files=[SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")],
    )
    return QuestionAttachment.objects.get(message__question=question)


def test_among_staff_only_verified_reviewers_download_question_attachments_and_other_enterprises_get_404(
    attachment,
    reviewer_client,
    reviewer,
    staff_factory,
    otp_client_factory,
    trader_client,
    other_enterprise,
    trader_factory,
    client,
):
    url = f"/cooperation/attachments/{attachment.pk}/"
    response = reviewer_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert trader_client.get(url).status_code == 200

    for role in ("risk_officer", "ops"):
        response = otp_client_factory(staff_factory(role)).get(url)
        assert response.status_code in (403, 404), role
        assert not response.get("Content-Type", "").startswith("application/pdf"), role

    client.force_login(reviewer)  # a reviewer who has not given the second factor
    assert client.get(url).status_code == 403

    client.force_login(trader_factory(other_enterprise))
    assert client.get(url).status_code == 404
    assert client.get(f"/cooperation/attachments/{attachment.pk + 1000}/").status_code == 404

    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
