"""Users of an enterprise customs has not approved yet read their notifications.

The header shows them the unread count, and the notices tell them of corrections asked for:
the registration gate lets them open the notification centre and mark items read (every other
page still sends them to the status page).
"""

import pytest

from customs_portal import texts
from notifications.models import Notification
from notifications.services import notification_create

pytestmark = pytest.mark.django_db

NOTICE = texts.define("tests.pending.notice", "Corrections requested R-7")


def test_pending_enterprise_user_reads_and_marks_notifications(client, enterprise_factory, trader_factory):
    enterprise = enterprise_factory(approved=False)
    user = trader_factory(enterprise)
    client.force_login(user)
    notification_create(kind="test", title=texts.stored(NOTICE), users=[user], email=False)
    notice = Notification.objects.get(user=user)

    page = client.get("/reminders/notifications/")
    assert page.status_code == 200
    assert "Corrections requested R-7" in page.content.decode()

    answer = client.post("/reminders/notifications/read/", {"id": notice.pk})
    assert answer.status_code == 302
    assert answer["Location"] == "/reminders/notifications/"
    notice.refresh_from_db()
    assert notice.read_at is not None

    # the rest of the portal still waits for customs' approval
    assert client.get("/declarations/lists/").url.startswith("/registration/")
