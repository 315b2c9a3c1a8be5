"""Read-only queries on the authorization part, for the reminders and the information page."""

import datetime as dt

from django.db.models import OuterRef, Q, Subquery

from authorization.models import REVIEW_STATUSES, Authorization, AuthorizationHistory, AuthorizationStatus


def party_q(enterprise) -> Q:
    return Q(principal=enterprise) | Q(agent=enterprise)


def _since(status: str):
    """Subquery: when the authorization last entered ``status`` (from its history rows)."""
    return Subquery(
        AuthorizationHistory.objects.filter(authorization=OuterRef("pk"), to_status=status)
        .order_by("-at")
        .values("at")[:1]
    )


def expiring(*, today: dt.date, horizon: dt.date) -> list[dict]:
    """Approved authorizations ending between today and ``horizon``, with both parties."""
    rows = Authorization.objects.filter(
        status=AuthorizationStatus.APPROVED, valid_to__gte=today, valid_to__lte=horizon
    ).values(
        "pk", "valid_to", "auto_renew", "number", "principal_id", "principal__customs_code", "agent_id",
        "agent__customs_code",
    )  # fmt: skip
    return [
        {
            "pk": r["pk"],
            "number": str(r["number"] or r["pk"]),
            "valid_to": r["valid_to"],
            "auto_renew": r["auto_renew"],
            "parties": {
                (r[f"{p}_id"], r[f"{p}__customs_code"] or "") for p in ("principal", "agent") if r[f"{p}_id"]
            },
        }
        for r in rows
    ]


def supplement_requested() -> list[tuple]:
    """(authorization id, enterprise id, customs code, since, number) per enterprise to act.

    The party that started the authorization answers a supplement request (it holds the
    documents); ``initiated_by`` says which one that is.
    """
    status = AuthorizationStatus.SUPPLEMENT_REQUESTED
    rows = (
        Authorization.objects.filter(status=status)
        .annotate(since=_since(status))
        .values_list(
            "pk",
            "initiated_by",
            "principal_id",
            "principal__customs_code",
            "agent_id",
            "agent__customs_code",
            "since",
            "number",
        )  # fmt: skip
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
    result = []
    for status in REVIEW_STATUSES:
        rows = (
            Authorization.objects.filter(status=status)
            .annotate(since=_since(status))
            .values_list("pk", "principal_id", "principal__customs_code", "since", "number")
        )
        result += [
            (pk, ent, code or "", since, str(num or pk)) for pk, ent, code, since, num in rows if since
        ]
    return result
