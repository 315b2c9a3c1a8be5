"""Demo enterprises (one of every role), their users, staff with TOTP and two registrations
waiting in the review queue. Runs first in seed_demo: the other apps' demo data hangs off the
enterprises made here (looked up by customs code).

Idempotent: the enterprises go through the same upsert as ``import_enterprises`` (a second run
finds nothing to change); users, staff and applicants are only created when missing.
"""

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

DEMO_PASSWORD = "Demo-pass-2026"  # noqa: S105 - published demo credential, see README

# (username, row for the import). USCCs are valid (GB 32100-2015 check characters).
ENTERPRISES = [
    (
        "demo-broker",
        {
            "name": "上海远航报关有限公司",
            "uscc": "91310115900000014C",
            "customs_code": "3100000001",
            "roles": "broker",
            "contact_name": "王敏",
            "contact_phone": "13800000001",
            "contact_email": "broker@demo.customs-portal.example",
            "pilot_zone": "no",
            "credit_rating": "advanced",
        },
    ),
    (
        "demo-exporter",
        {
            "name": "杭州云购跨境电商有限公司",
            "uscc": "913101159000000227",
            "customs_code": "3100000002",
            "roles": "ecommerce;owner",
            "contact_name": "李娜",
            "contact_phone": "13800000002",
            "contact_email": "exporter@demo.customs-portal.example",
            "pilot_zone": "yes",
            "credit_rating": "general",
        },
    ),
    (
        "demo-platform",
        {
            "name": "跨境优选电子商务平台有限公司",
            "uscc": "913101159000000302",
            "customs_code": "3100000003",
            "roles": "platform",
            "contact_name": "张伟",
            "contact_phone": "13800000003",
            "contact_email": "platform@demo.customs-portal.example",
            "pilot_zone": "yes",
            "credit_rating": "general",
        },
    ),
    (
        "demo-logistics",
        {
            "name": "东方速运国际物流有限公司",
            "uscc": "91310115900000049Y",
            "customs_code": "3100000004",
            "roles": "logistics",
            "contact_name": "刘洋",
            "contact_phone": "13800000004",
            "contact_email": "logistics@demo.customs-portal.example",
            "pilot_zone": "no",
            "credit_rating": "general",
        },
    ),
    (
        "demo-payment",
        {
            "name": "汇通跨境支付有限公司",
            "uscc": "91310115900000057R",
            "customs_code": "3100000005",
            "roles": "payment",
            "contact_name": "陈静",
            "contact_phone": "13800000005",
            "contact_email": "payment@demo.customs-portal.example",
            "pilot_zone": "no",
            "credit_rating": "general",
        },
    ),
    (
        "demo-owner",
        {
            "name": "宁波海盛进出口贸易有限公司",
            "uscc": "91310115900000065L",
            "customs_code": "3100000006",
            "roles": "owner",
            "contact_name": "赵磊",
            "contact_phone": "13800000006",
            "contact_email": "owner@demo.customs-portal.example",
            "pilot_zone": "no",
            "credit_rating": "general",
        },
    ),
]

# Registrations that signed up, activated and wait for customs (oldest first in the queue).
APPLICANTS = [
    (
        "demo-applicant",
        {
            "name": "苏州新航线供应链有限公司",
            "uscc": "91310115900000073F",
            "contact_name": "孙悦",
            "contact_phone": "13800000007",
            "contact_email": "applicant@demo.customs-portal.example",
            "is_ecommerce": True,
            "is_owner": True,
        },
        3,  # days waiting
    ),
    (
        "demo-applicant2",
        {
            "name": "深圳前海快邮物流有限公司",
            "uscc": "91310115900000081A",
            "contact_name": "周强",
            "contact_phone": "13800000008",
            "contact_email": "applicant2@demo.customs-portal.example",
            "is_logistics": True,
        },
        1,
    ),
]

STAFF = [("reviewer", "reviewer"), ("risk", "risk_officer"), ("ops", "ops")]

# Stand-ins for the scanned documents: a minimal PDF and a 1x1 PNG.
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEMO_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)

STAFF_LABELS = {
    "reviewer": "customs reviewer (/admin/, TOTP)",
    "risk_officer": "risk officer (/admin/, TOTP)",
    "ops": "ops (/admin/, TOTP)",
}


def seed(*, stdout):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from customs_portal.fsm import run_transition

    from .models import Enterprise, EnterpriseHistory, EnterpriseStatus, User
    from .onboarding import enterprise_import
    from .review import staff_create, staff_groups_ensure

    logins: list[tuple[str, str, str]] = []

    result = enterprise_import(rows=[row for _u, row in ENTERPRISES])
    if result.problems:  # a bug in the demo rows, not something to skip over
        raise RuntimeError("; ".join(str(p) for p in result.problems))
    stdout.write(
        f"registration demo: enterprises created {result.created}, updated {result.updated}, "
        f"unchanged {result.unchanged}"
    )
    by_code = {e.customs_code: e for e in Enterprise.objects.filter(customs_code__startswith="310000000")}
    for username, row in ENTERPRISES:
        enterprise = by_code[row["customs_code"]]
        _trader(User, username, enterprise, row)
        logins.append((username, DEMO_PASSWORD, f"{enterprise.name} ({', '.join(enterprise.roles)})"))

    for username, fields, days in APPLICANTS:
        enterprise = Enterprise.objects.filter(uscc=fields["uscc"]).first()
        if enterprise is None:
            enterprise = Enterprise.objects.create(
                **fields,
                address="江苏省苏州市工业园区星湖街1号",
                legal_representative=fields["contact_name"],
                licence_file=ContentFile(DEMO_PDF, name="licence-demo.pdf"),
                tax_certificate_file=ContentFile(DEMO_PNG, name="tax-demo.png"),
            )
            user = _trader(User, username, enterprise, fields)
            run_transition(
                instance=enterprise, transition="activate", history_model=EnterpriseHistory, actor=user
            )
            submitted = timezone.now() - dt.timedelta(days=days)
            Enterprise.objects.filter(pk=enterprise.pk).update(submitted_at=submitted)
            EnterpriseHistory.objects.filter(enterprise=enterprise).update(at=submitted)
        else:
            _trader(User, username, enterprise, fields)
        state = Enterprise.objects.get(pk=enterprise.pk)
        what = (
            f"{state.name}: registration awaiting customs review"
            if state.status == EnterpriseStatus.PENDING_REVIEW
            else f"{state.name}: {state.status}"
        )
        logins.append((username, DEMO_PASSWORD, what))

    staff_groups_ensure()
    for username, role in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user, device = staff_create(
                username=username,
                role=role,
                email=f"{username}@customs.example",
                password=DEMO_PASSWORD,
            )
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        stdout.write(f"TOTP for {username}: {device.config_url}")
        logins.append((username, DEMO_PASSWORD, STAFF_LABELS[role]))
    return logins


def _trader(User, username: str, enterprise, row: dict):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            email=row["contact_email"],
            phone=row["contact_phone"],
            first_name=row["contact_name"],
            enterprise=enterprise,
            is_enterprise_admin=True,
        )
    return user
