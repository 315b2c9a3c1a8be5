"""A signing certificate that ends soon is a validity reminder: 60, 30, 7 and 1 days before, then
once the day after; a newer certificate registered in time stops them; the reminder reads in
the reader's language and names the certificate."""

import datetime as dt

import pytest
from django.utils import timezone

from reminders.kinds import Context, validity

pytestmark = pytest.mark.django_db


def certificate(enterprise, *, serial: str, ends: dt.date):
    from declarations.signatures.models import EnterpriseCertificate

    end = timezone.make_aware(dt.datetime.combine(ends, dt.time(12)))
    return EnterpriseCertificate.objects.create(
        enterprise=enterprise,
        subject="CN=Hangzhou Yungou",
        issuer="CN=Test CA",
        serial_number=serial,
        fingerprint=serial.rjust(64, "0"),
        not_before=end - dt.timedelta(days=730),
        not_after=end,
        der=b"0",
    )


def stages(enterprise, day):
    return [
        (d.stage, d.subject)
        for d in validity(Context(day))
        if d.enterprise_id == enterprise.pk and d.subject.startswith("SIGNCERT")
    ]


def test_a_certificate_ending_soon_is_reminded_then_once_after_it_ended(enterprise):
    due = dt.date(2026, 9, 30)
    certificate(enterprise, serial="A1", ends=due)
    assert stages(enterprise, due - dt.timedelta(days=61)) == []
    assert stages(enterprise, due - dt.timedelta(days=60)) == [("D-60", "SIGNCERT-A1")]
    assert stages(enterprise, due - dt.timedelta(days=7)) == [("D-7", "SIGNCERT-A1")]
    assert stages(enterprise, due) == [("D-1", "SIGNCERT-A1")]
    assert stages(enterprise, due + dt.timedelta(days=1)) == [("EXPIRED", "SIGNCERT-A1")]
    assert stages(enterprise, due + dt.timedelta(days=2)) == []


def test_a_newer_certificate_stops_the_reminders(enterprise):
    due = dt.date(2026, 9, 30)
    certificate(enterprise, serial="A1", ends=due)
    certificate(enterprise, serial="B2", ends=dt.date(2028, 9, 30))
    assert stages(enterprise, due - dt.timedelta(days=7)) == []


def test_another_enterprise_is_not_reminded_of_it(enterprise, other_enterprise):
    certificate(enterprise, serial="A1", ends=dt.date(2026, 9, 30))
    assert stages(other_enterprise, dt.date(2026, 9, 23)) == []


def test_the_reminder_names_the_certificate_in_the_readers_language(enterprise, trader_factory):
    from customs_portal import texts
    from notifications.models import Notification
    from reminders.services import reminders_send

    trader = trader_factory(enterprise, language="zh-hans")
    certificate(enterprise, serial="A1", ends=dt.date(2026, 9, 30))
    reminders_send(today=dt.date(2026, 9, 23))
    note = Notification.objects.filter(user=trader, kind="validity").get()
    assert texts.render(note.title, "zh-hans") == "您的签名证书 A1 将于 2026-09-30 到期"
    assert texts.render(note.title, "en") == "Your signing certificate A1 expires on 2026-09-30"
