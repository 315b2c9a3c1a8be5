"""Demo authorizations between the demo broker (3100000001) and the demo goods owners
(3100000002, 3100000006), in several states, made through the services so each has its
history and its notifications.

The enterprises come from registration/demo.py; they are looked up by customs code or USCC.
Idempotent: a pair that already has authorizations is left alone. Anything missing (the
broker, an owner, the reviewer, a calendar year) is skipped with a message, never a crash.
"""

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

# (customs code, USCC) of the demo enterprises, from the demo data contract.
BROKER = ("3100000001", "91310115900000014C")
EXPORTER = ("3100000002", "913101159000000227")
OWNER = ("3100000006", "91310115900000065L")
REVIEWER = "reviewer"
# A minimal PDF standing in for the signed power of attorney.
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _poa():
    return ContentFile(DEMO_PDF, name="power-of-attorney-demo.pdf")


def _find(codes):
    from django.db.models import Q

    from registration.models import Enterprise

    customs_code, uscc = codes
    return Enterprise.objects.filter(Q(customs_code=customs_code) | Q(uscc=uscc)).order_by("pk").first()


def _user_of(enterprise):
    return enterprise.users.filter(is_active=True).order_by("pk").first()


def _exporter_pair(*, principal, broker, reviewer, today) -> int:
    """Approved and in force (renewing automatically) + a new import request from the broker
    awaiting the exporter's confirmation."""
    from . import services
    from .models import Party

    approved = services.authorization_create(
        enterprise=principal,
        as_party=Party.PRINCIPAL,
        counterparty=broker,
        scope="export",
        valid_from=today - dt.timedelta(days=30),
        valid_to=today + dt.timedelta(days=335),
        auto_renew=True,
        power_of_attorney=_poa(),
        actor=_user_of(principal),
    )
    approved = services.authorization_confirm(
        authorization=approved, enterprise=broker, actor=_user_of(broker)
    )
    made = 1
    if reviewer is not None:
        services.authorization_approve(authorization=approved, actor=reviewer)
    services.authorization_create(
        enterprise=broker,
        as_party=Party.AGENT,
        counterparty=principal,
        scope="import",
        valid_from=today,
        valid_to=today + dt.timedelta(days=364),
        power_of_attorney=_poa(),
        actor=_user_of(broker),
    )
    return made + 1


def _owner_pair(*, principal, broker, reviewer, today) -> int:
    """Under customs review (confirmed by the broker) + one customs sent back for more."""
    from . import services
    from .models import Party

    pending = services.authorization_create(
        enterprise=principal,
        as_party=Party.PRINCIPAL,
        counterparty=broker,
        scope="both",
        valid_from=today,
        valid_to=today + dt.timedelta(days=180),
        power_of_attorney=_poa(),
        actor=_user_of(principal),
    )
    services.authorization_confirm(authorization=pending, enterprise=broker, actor=_user_of(broker))
    if reviewer is None:
        return 1
    supplement = services.authorization_create(
        enterprise=broker,
        as_party=Party.AGENT,
        counterparty=principal,
        scope="export",
        valid_from=today,
        valid_to=today + dt.timedelta(days=90),
        power_of_attorney=_poa(),
        actor=_user_of(broker),
    )
    supplement = services.authorization_confirm(
        authorization=supplement, enterprise=principal, actor=_user_of(principal)
    )
    services.authorization_request_supplement(
        authorization=supplement,
        actor=reviewer,
        reason="请补充委托方营业执照复印件（加盖公章）。",
    )
    return 2


def seed(*, stdout):
    from django.db.models import Q

    from customs_portal.errors import ApplicationError
    from registration.models import User

    from .models import Authorization

    broker = _find(BROKER)
    if broker is None:
        stdout.write(
            f"authorization demo: the demo broker ({BROKER[0]}) is missing; run the registration demo "
            "first. Skipped."
        )
        return []
    reviewer = User.objects.filter(username=REVIEWER, is_staff=True).first()
    if reviewer is None:
        stdout.write(
            f"authorization demo: no staff user “{REVIEWER}”; nothing is approved or sent back by customs."
        )
    today = timezone.localdate()
    made = 0
    for codes, build in ((EXPORTER, _exporter_pair), (OWNER, _owner_pair)):
        principal = _find(codes)
        if principal is None:
            stdout.write(f"authorization demo: the demo enterprise {codes[0]} is missing; skipped.")
            continue
        if Authorization.objects.filter(
            Q(principal=principal, agent=broker) | Q(principal=broker, agent=principal)
        ).exists():
            continue  # already seeded: a second run changes nothing
        try:
            with transaction.atomic():
                made += build(principal=principal, broker=broker, reviewer=reviewer, today=today)
        except ApplicationError as exc:
            stdout.write(f"authorization demo: {principal.name} skipped: {exc}")
    stdout.write(f"authorization demo: {made} authorizations created")
    return []
