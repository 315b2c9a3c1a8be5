from io import StringIO

import pytest

from notifications.models import Notification
from registration.cooperation.models import PolicyNotice, Question, QuestionMessage

pytestmark = pytest.mark.django_db


def test_demo_seeds_a_notice_a_question_and_notifications_and_running_again_changes_nothing(
    enterprise_factory, trader_factory
):
    from registration.cooperation import demo as cooperation_demo
    from reminders import demo as reminders_demo

    broker = enterprise_factory(roles=("broker",), customs_code="3100000001")
    shop = enterprise_factory(roles=("ecommerce",), customs_code="3100000002")
    trader_factory(broker)
    trader_factory(shop)
    for _ in range(2):
        assert cooperation_demo.seed(stdout=StringIO()) == []
        assert reminders_demo.seed(stdout=StringIO()) == []
    assert PolicyNotice.objects.published().count() == 1
    question = Question.objects.get(enterprise=broker)
    assert question.status == "answered"
    assert QuestionMessage.objects.filter(question=question).count() == 2
    assert Notification.objects.filter(kind__in=["annual_report", "policy_notice"]).count() == 4
