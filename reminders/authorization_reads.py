"""Read-only queries on the authorization part, for the reminders and the information page.

The authorization part owns its model; these reads rely only on its documented shape: a
``status`` (approved, supplement_requested, submitted …), ``valid_to``, ``auto_renew``, the
parties as foreign keys to Enterprise (principal and agent), and a StatusHistory subclass
written by every move (when a status was entered).
"""

import datetime as dt

from django.apps import apps
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from customs_portal.errors import ApplicationError
from customs_portal.models import StatusHistory
from registration.models import Enterprise

# the statuses in which customs has the file (authorization.models.REVIEW_STATUSES)
REVIEW_STATUSES = ("under_review",)


def model_or_none():
    """The authorization part's model, or None while it is not in the tree."""
    try:
        return apps.get_model("authorization", "Authorization")
    except LookupError:
        return None


def _model():
    return model_or_none()


def _fields(model) -> dict:
    return {f.name: f for f in model._meta.get_fields()}


def _require(model, *names) -> None:
    missing = [n for n in names if n not in _fields(model)]
    if missing:
        raise ApplicationError(
            "reminder_kind_unavailable",
            _("Authorization reminders cannot run: the authorization model has no field %(fields)s.")
            % {"fields": ", ".join(missing)},
        )


def party_fields(model=None) -> list[str]:
    """The authorization's foreign keys to Enterprise, principal first."""
    model = model or _model()
    names = [
        f.name
        for f in model._meta.get_fields()
        if getattr(f, "many_to_one", False) and getattr(f, "related_model", None) is Enterprise
    ]
    return sorted(names, key=lambda n: (n != "principal", n != "agent", n))


def party_q(enterprise) -> Q:
    q = Q(pk__in=[])
    for name in party_fields():
        q |= Q(**{name: enterprise})
    return q


def _since(model, status: str):
    """Subquery: when the authorization last entered ``status`` (from its history rows)."""
    for candidate in model._meta.apps.get_models():
        if candidate._meta.app_label != model._meta.app_label or not issubclass(candidate, StatusHistory):
            continue
        fk = getattr(candidate, "SUBJECT_FIELD", "")
        if fk in _fields(candidate) and _fields(candidate)[fk].related_model is model:
            return Subquery(
                candidate.objects.filter(**{fk: OuterRef("pk"), "to_status": status})
                .order_by("-at")
                .values("at")[:1]
            )
    fields = _fields(model)
    for name in ("status_changed_at", "submitted_at", "updated_at", "created_at"):
        if name in fields:
            return F(name)
    raise ApplicationError(
        "reminder_kind_unavailable", _("Authorization reminders cannot run: no history of status changes.")
    )


def _number(model) -> str:
    fields = _fields(model)
    for name in ("number", "reference", "code"):
        if name in fields:
            return name
    return "pk"


def expiring(*, today: dt.date, horizon: dt.date) -> list[dict]:
    """Approved authorizations ending between today and ``horizon``, with both parties."""
    model = _model()
    _require(model, "status", "valid_to", "auto_renew")
    parties = party_fields(model)
    number = _number(model)
    values = ["pk", "valid_to", "auto_renew", number]
    for p in parties:
        values += [f"{p}_id", f"{p}__customs_code"]
    rows = model.objects.filter(status="approved", valid_to__gte=today, valid_to__lte=horizon).values(*values)
    return [
        {
            "pk": r["pk"],
            "number": str(r[number]),
            "valid_to": r["valid_to"],
            "auto_renew": r["auto_renew"],
            "parties": {(r[f"{p}_id"], r[f"{p}__customs_code"] or "") for p in parties if r[f"{p}_id"]},
        }
        for r in rows
    ]


def supplement_requested() -> list[tuple]:
    """(authorization id, enterprise id, customs code, since, number) per enterprise to act.

    The party that started the authorization answers a supplement request (it holds the
    documents); ``initiated_by`` says which one that is.
    """
    model = _model()
    _require(model, "status", "initiated_by", "principal", "agent")
    rows = (
        model.objects.filter(status="supplement_requested")
        .annotate(since=_since(model, "supplement_requested"))
        .values_list(
            "pk",
            "initiated_by",
            "principal_id",
            "principal__customs_code",
            "agent_id",
            "agent__customs_code",
            "since",
            "number",
        )
    )
    result = []
    for pk, initiated_by, principal_id, principal_code, agent_id, agent_code, since, number in rows:
        if initiated_by == "agent":
            result.append((pk, agent_id, agent_code or "", since, str(number or pk)))
        else:
            result.append((pk, principal_id, principal_code or "", since, str(number or pk)))
    return result


def under_review() -> list[tuple]:
    """(authorization id, principal id, its customs code, since, number) awaiting customs."""
    model = _model()
    _require(model, "status")
    number = _number(model)
    parties = party_fields(model)
    if not parties:
        return []
    first = parties[0]
    result = []
    for status in REVIEW_STATUSES:
        rows = (
            model.objects.filter(status=status)
            .annotate(since=_since(model, status))
            .values_list("pk", f"{first}_id", f"{first}__customs_code", "since", number)
        )
        result += [(pk, ent, code or "", since, str(num)) for pk, ent, code, since, num in rows if since]
    return result
