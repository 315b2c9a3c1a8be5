"""Onboarding enterprises that customs has already registered (``import_enterprises``, the demo).

Every row is checked before anything is written; if one row is wrong nothing is saved. Rows
are keyed by USCC: a new USCC creates an approved enterprise, a known one is brought up to
date, and a row that matches what is stored changes nothing (so importing twice is harmless).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as uscc_std
from stdnum.exceptions import ValidationError as StdnumError

from customs_portal import texts
from customs_portal.errors import ApplicationError

from .models import ROLE_FIELDS, CreditRating, Enterprise, EnterpriseHistory, EnterpriseStatus, Role

# history notes (stored texts, read in each reader's language)
IMPORTED = texts.define("enterprise.imported", _("Imported from the customs register"))
IMPORT_UPDATED = texts.define("enterprise.import_updated", _("Updated from the customs register: %(fields)s"))

COLUMNS = [
    "name",
    "uscc",
    "customs_code",
    "roles",
    "contact_name",
    "contact_phone",
    "contact_email",
    "pilot_zone",
    "credit_rating",
]
# The 10-character customs registration code: digits and capital letters.
CUSTOMS_CODE_RE = re.compile(r"^[0-9A-Z]{10}$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")
IMPORT_ACTOR = "import_enterprises"


def uscc_normalise(value: str) -> str:
    """Upper case, no spaces; raises ApplicationError when the check character is wrong."""
    compact = "".join((value or "").split()).upper()
    try:
        return uscc_std.validate(compact)
    except StdnumError:
        raise ApplicationError(
            "invalid_uscc", _("not a valid unified social credit code (check character)"), field="uscc"
        )


@dataclass
class ImportProblem:
    row: int  # data rows count from 1; 0 is the header
    field: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.field}: {self.reason}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)


def _clean_row(raw: dict, n: int, problems: list[ImportProblem]) -> dict | None:
    def get(name: str) -> str:
        return (raw.get(name) or "").strip()

    def problem(name: str, reason) -> None:
        problems.append(ImportProblem(n, name, str(reason)))

    before = len(problems)
    data: dict = {}

    name = get("name")
    if not name:
        problem("name", _("required"))
    elif len(name) > 200:
        problem("name", _("longer than 200 characters"))
    data["name"] = name

    try:
        data["uscc"] = uscc_normalise(get("uscc"))
    except ApplicationError as exc:
        problem("uscc", exc.message if get("uscc") else _("required"))

    code = get("customs_code").upper()
    if not CUSTOMS_CODE_RE.match(code):
        problem("customs_code", _("must be 10 digits or capital letters"))
    data["customs_code"] = code

    roles = [r.strip().lower() for r in get("roles").split(";") if r.strip()]
    unknown = [r for r in roles if r not in ROLE_FIELDS]
    if not roles:
        problem("roles", _("at least one role is required"))
    elif unknown:
        problem(
            "roles",
            _("unknown role %(roles)s (allowed: %(allowed)s)")
            % {"roles": ", ".join(unknown), "allowed": " ".join(Role.values)},
        )
    for role, flag in ROLE_FIELDS.items():
        data[flag] = role in roles

    contact_name = get("contact_name")
    if not contact_name:
        problem("contact_name", _("required"))
    elif len(contact_name) > 100:
        problem("contact_name", _("longer than 100 characters"))
    data["contact_name"] = contact_name

    phone = get("contact_phone")
    if not PHONE_RE.match(phone):
        problem("contact_phone", _("not a phone number"))
    data["contact_phone"] = phone

    email = get("contact_email")
    try:
        validate_email(email)
    except ValidationError:
        problem("contact_email", _("not an e-mail address"))
    data["contact_email"] = email

    pilot = get("pilot_zone").lower()
    if pilot not in ("yes", "no"):
        problem("pilot_zone", _("must be yes or no"))
    data["pilot_zone"] = pilot == "yes"

    rating = get("credit_rating").lower()
    if rating not in CreditRating.values:
        problem("credit_rating", _("must be advanced, general or dishonest"))
    data["credit_rating"] = rating

    return data if len(problems) == before else None


def enterprise_import_check(*, rows: Iterable[dict], header: Iterable[str] | None = None):
    """Validate every row; return (cleaned rows, problems). Writes nothing."""
    problems: list[ImportProblem] = []
    if header is not None:
        header = [h.strip() for h in header if h is not None]
        for column in COLUMNS:
            if column not in header:
                problems.append(ImportProblem(0, column, str(_("missing column"))))
        if problems:
            return [], problems
    cleaned: list[tuple[int, dict]] = []
    for n, raw in enumerate(rows, start=1):
        data = _clean_row(raw, n, problems)
        if data is not None:
            cleaned.append((n, data))

    # Within the file: one row per USCC, one USCC per customs code.
    seen_uscc: dict[str, int] = {}
    seen_code: dict[str, int] = {}
    for n, data in cleaned:
        if data["uscc"] in seen_uscc:
            problems.append(
                ImportProblem(n, "uscc", str(_("also on row %(row)s") % {"row": seen_uscc[data["uscc"]]}))
            )
        seen_uscc.setdefault(data["uscc"], n)
        if data["customs_code"] in seen_code:
            problems.append(
                ImportProblem(
                    n,
                    "customs_code",
                    str(_("also on row %(row)s") % {"row": seen_code[data["customs_code"]]}),
                )
            )
        seen_code.setdefault(data["customs_code"], n)

    # Against the database (two queries, not one per row).
    existing = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=seen_uscc)}
    code_owner = dict(
        Enterprise.objects.filter(customs_code__in=seen_code).values_list("customs_code", "uscc")
    )
    for n, data in cleaned:
        owner = code_owner.get(data["customs_code"])
        if owner and owner != data["uscc"]:
            problems.append(
                ImportProblem(n, "customs_code", str(_("already assigned to another enterprise")))
            )
        current = existing.get(data["uscc"])
        if current is not None and current.status != EnterpriseStatus.APPROVED:
            problems.append(
                ImportProblem(
                    n,
                    "uscc",
                    str(
                        _(
                            "this enterprise signed up itself and is “%(status)s”: decide it in the review queue"
                        )
                        % {"status": current.get_status_display()}
                    ),
                )
            )
    problems.sort(key=lambda p: p.row)
    return [data for _n, data in cleaned], problems


def enterprise_import(
    *, rows: Iterable[dict], header: Iterable[str] | None = None, dry_run: bool = False, actor=None
) -> ImportResult:
    """Create or update (keyed by USCC) approved enterprises; all or nothing.

    With problems, or with ``dry_run``, nothing is written; the counts say what would happen.
    """
    cleaned, problems = enterprise_import_check(rows=rows, header=header)
    result = ImportResult(problems=problems)
    if problems:
        return result
    label = "" if getattr(actor, "pk", None) else IMPORT_ACTOR
    actor = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        existing = {
            e.uscc: e
            for e in Enterprise.objects.select_for_update().filter(uscc__in=[d["uscc"] for d in cleaned])
        }
        for data in cleaned:
            current = existing.get(data["uscc"])
            if current is None:
                result.created += 1
                if not dry_run:
                    _create(data, actor=actor, label=label)
                continue
            changed = [name for name, value in data.items() if getattr(current, name) != value]
            if not changed:
                result.unchanged += 1
                continue
            result.updated += 1
            if not dry_run:
                for name in changed:
                    setattr(current, name, data[name])
                current.save(update_fields=changed)
                EnterpriseHistory.objects.create(
                    enterprise=current,
                    actor=actor,
                    actor_label=label,
                    from_status=current.status,
                    to_status=current.status,
                    reason=texts.stored(
                        IMPORT_UPDATED, fields=[texts.field_label(Enterprise, name) for name in changed]
                    ),
                )
        if dry_run:
            transaction.set_rollback(True)
    return result


def _create(data: dict, *, actor, label: str) -> Enterprise:
    from django.utils import timezone

    now = timezone.now()
    # Registered with customs already: the record starts approved (its first and only state
    # so far), which the history row below records.
    enterprise = Enterprise.objects.create(
        **data, status=EnterpriseStatus.APPROVED, submitted_at=now, approved_at=now
    )
    EnterpriseHistory.objects.create(
        enterprise=enterprise,
        actor=actor,
        actor_label=label,
        from_status="",
        to_status=EnterpriseStatus.APPROVED,
        reason=texts.stored(IMPORTED),
    )
    return enterprise
