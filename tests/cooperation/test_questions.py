"""Questions: the enterprise asks, customs answers in admin, both follow one thread."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customs_portal.errors import ApplicationError
from notifications.models import Notification
from registration.cooperation.models import Question, QuestionAttachment, QuestionMessage
from registration.cooperation.services import question_answer, question_ask, question_close

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="invoice.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_trader_asks_a_question_with_an_attachment(trader_client, enterprise):
    response = trader_client.post(
        "/cooperation/questions/new/",
        {
            "category": "declaration",
            "subject": "退单原因",
            "text": "为什么清单被退回？",
            "attachments": [pdf()],
        },
    )
    assert response.status_code == 302
    q = Question.objects.get(enterprise=enterprise)
    assert q.status == "open" and q.waiting_since is not None
    assert QuestionAttachment.objects.filter(message__question=q).count() == 1
    attachment = QuestionAttachment.objects.get()
    download = trader_client.get(f"/cooperation/attachments/{attachment.pk}/")
    assert download.status_code == 200


def test_an_attachment_that_is_not_a_scan_is_refused(trader_client):
    bad = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = trader_client.post(
        "/cooperation/questions/new/",
        {"category": "other", "subject": "x", "text": "y", "attachments": [bad]},
    )
    assert response.status_code == 400
    assert Question.objects.count() == 0 and QuestionMessage.objects.count() == 0


def test_question_goes_open_answered_open_closed_and_both_sides_see_the_thread(
    trader_client, enterprise, trader, reviewer
):
    q = question_ask(
        enterprise=enterprise, actor=trader, category="summary", subject="汇总申报期限", text="几号截止？"
    )
    q = question_answer(question=q, actor=reviewer, text="每月15日前。")
    assert q.status == "answered" and q.waiting_since is None
    assert Notification.objects.filter(user=trader, kind="question_answered").count() == 1
    page = trader_client.get(f"/cooperation/questions/{q.pk}/").content.decode()
    assert "每月15日前。" in page
    trader_client.post(f"/cooperation/questions/{q.pk}/", {"text": "遇节假日呢？"})
    q = Question.objects.get(pk=q.pk)
    assert q.status == "open" and q.waiting_since is not None
    trader_client.post(f"/cooperation/questions/{q.pk}/", {"action": "close"})
    q = Question.objects.get(pk=q.pk)
    assert q.status == "closed"
    assert list(q.messages.values_list("from_customs", flat=True)) == [False, True, False]
    with pytest.raises(ApplicationError):
        question_answer(question=q, actor=reviewer, text="late")


def test_closed_question_takes_no_more_messages(trader_client, enterprise, trader):
    q = question_ask(enterprise=enterprise, actor=trader, category="other", subject="s", text="t")
    question_close(question=q, actor=trader)
    response = trader_client.post(f"/cooperation/questions/{q.pk}/", {"text": "again"})
    assert response.status_code == 400
    assert QuestionMessage.objects.filter(question=q).count() == 1


def test_reviewer_answers_in_admin(enterprise, trader, reviewer_client):
    q = question_ask(enterprise=enterprise, actor=trader, category="other", subject="s", text="t")
    url = f"/admin/cooperation/question/{q.pk}/change/"
    assert reviewer_client.get(url).status_code == 200
    mgmt = {
        "messages-TOTAL_FORMS": "1",
        "messages-INITIAL_FORMS": "1",
        "messages-MIN_NUM_FORMS": "0",
        "messages-MAX_NUM_FORMS": "1000",
        "messages-0-id": str(q.messages.get().pk),
        "messages-0-question": str(q.pk),
    }
    response = reviewer_client.post(url, {"answer": "请参阅公告。", "attachment": pdf("notice.pdf"), **mgmt})
    assert response.status_code == 302, response.content.decode()[:2000]
    q = Question.objects.get(pk=q.pk)
    assert q.status == "answered"
    answer = q.messages.get(from_customs=True)
    assert answer.text == "请参阅公告。"
    assert [a.original_name for a in answer.attachments.all()] == ["notice.pdf"]


def test_empty_question_is_refused(enterprise, trader):
    with pytest.raises(ApplicationError):
        question_ask(enterprise=enterprise, actor=trader, category="other", subject=" ", text=" ")
    assert Question.objects.count() == 0


def test_customs_admin_lists_open_for_reviewers(
    reviewer_client, enterprise, trader, run_reminders_admin_data
):
    for url in (
        "/admin/cooperation/question/",
        "/admin/cooperation/annualreport/",
        "/admin/cooperation/policynotice/",
        "/admin/cooperation/policynotice/add/",
        "/admin/reminders/reminder/",
    ):
        assert reviewer_client.get(url).status_code == 200, url


def test_traders_cannot_reach_the_customs_admin(trader_client):
    response = trader_client.get("/admin/cooperation/question/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.fixture
def run_reminders_admin_data(enterprise, trader):
    import datetime as dt

    from reminders.services import reminders_send

    question_ask(enterprise=enterprise, actor=trader, category="other", subject="s", text="t")
    reminders_send(today=dt.date(2026, 6, 29))
