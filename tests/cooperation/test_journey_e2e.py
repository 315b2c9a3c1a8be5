"""In a real browser: a trader reads a new policy notice, asks a question and sees the answer."""

import datetime as dt

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_trader_reads_a_notice_files_a_question_and_sees_the_answer(
    live_server, new_page, enterprise, trader_factory, staff_factory
):
    from registration.cooperation.models import PolicyNotice, Question
    from registration.cooperation.services import policy_notice_publish, question_answer

    trader = trader_factory(enterprise, username="li.trader", password="correct-horse-battery")
    reviewer = staff_factory("reviewer")
    notice = PolicyNotice.objects.create(
        title="New export declaration rules",
        body="Summaries are due by the 15th.",
        effective_date=dt.date(2026, 12, 1),
        for_ecommerce=True,
    )
    policy_notice_publish(notice=notice, actor=reviewer)

    page = new_page("en-US")
    page.goto(f"{live_server.url}/accounts/login/?next=/cooperation/enterprise-info/")
    page.get_by_label("Username").fill("li.trader")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Enterprise information").wait_for()

    # the new notice is highlighted until read
    page.get_by_role("link", name="Policy notices").first.click()
    item = page.get_by_test_id("notice").filter(has_text="New export declaration rules")
    assert item.get_by_text("New", exact=True).is_visible()
    item.get_by_role("link", name="New export declaration rules").click()
    assert page.get_by_test_id("notice-body").inner_text().strip() == "Summaries are due by the 15th."
    page.get_by_role("link", name="All policy notices").click()
    item = page.get_by_test_id("notice").filter(has_text="New export declaration rules")
    assert item.get_by_text("New", exact=True).count() == 0

    # ask a question
    page.goto(f"{live_server.url}/cooperation/questions/")
    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Category").select_option(label="Monthly summary declaration")
    page.get_by_label("Subject").fill("Holiday deadline")
    page.get_by_label("Your question").fill("What if the 15th is a holiday?")
    page.get_by_role("button", name="Send the question").click()
    assert page.get_by_test_id("question-status").inner_text() == "Open, awaiting customs"

    # customs answers (the admin calls this same service)
    question = Question.objects.get(enterprise=enterprise, subject="Holiday deadline")
    question_answer(question=question, actor=reviewer, text="The first working day after it.")

    page.reload()
    assert page.get_by_test_id("question-status").inner_text() == "Answered"
    assert page.get_by_test_id("customs-message").inner_text().count("The first working day after it.") == 1
    assert page.get_by_test_id("notifications").inner_text().strip().endswith("1")
    assert trader.notifications.filter(kind="question_answered").count() == 1
