"""Demo data for the cooperation platform: a published notice and an answered question.

Idempotent: looks its rows up by their titles and creates only what is missing.
"""

import datetime as dt

from django.utils import timezone

DEMO_NOTICE_TITLE = "关于跨境电商零售出口汇总申报期限的公告"
DEMO_QUESTION_SUBJECT = "汇总申报截止日遇法定节假日如何处理？"


def seed(*, stdout):
    from registration.models import Enterprise

    from .models import PolicyNotice, Question
    from .services import policy_notice_publish, question_answer, question_ask

    notice = PolicyNotice.objects.filter(title=DEMO_NOTICE_TITLE).first()
    if notice is None:
        notice = PolicyNotice.objects.create(
            title=DEMO_NOTICE_TITLE,
            body=(
                "跨境电商企业应于每月15日前（遇法定节假日顺延至其后第一个工作日）对上月结关的"
                "申报清单办理汇总申报。"
            ),
            effective_date=timezone.localdate().replace(day=1) + dt.timedelta(days=31),
            for_ecommerce=True,
            for_broker=True,
        )
    if notice.published_at is None:
        policy_notice_publish(notice=notice, actor=None)

    broker = Enterprise.objects.filter(customs_code="3100000001").first()
    if broker is None:
        stdout.write("cooperation demo: the demo broker (3100000001) is missing; no demo question")
        return []
    if not Question.objects.filter(enterprise=broker, subject=DEMO_QUESTION_SUBJECT).exists():
        asker = broker.users.order_by("pk").first()
        question = question_ask(
            enterprise=broker,
            actor=asker,
            category="summary",
            subject=DEMO_QUESTION_SUBJECT,
            text="本月15日为星期日，汇总申报最迟应在哪一天完成？",
        )
        question_answer(question=question, actor=None, text="顺延至15日之后的第一个工作日，即下周一。")
    stdout.write("cooperation demo: notice and question ready")
    return []
