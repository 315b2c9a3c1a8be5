"""Reads of authorizations, always scoped to the asking enterprise (or to the two parties)."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import (
    FINAL_STATUSES,
    Authorization,
    AuthorizationChange,
    AuthorizationStatus,
    ChangeStatus,
    Direction,
    Scope,
)


def _pk(obj) -> int:
    return getattr(obj, "pk", obj)


def authorization_is_valid(*, agent, principal, direction: str, on_date: dt.date) -> bool:
    """May ``agent`` declare for ``principal`` in ``direction`` ("import"/"export") on ``on_date``?

    Only an approved authorization counts, whose scope covers the direction and whose validity
    (valid_from..valid_to, both inclusive) covers the day. A pending change request changes
    nothing: the approved terms stay in force until customs approves the change.
    ``agent`` and ``principal`` are Enterprise instances or ids.
    """
    if direction not in Direction.values:
        raise ValueError(f"direction must be one of {Direction.values}, not {direction!r}")
    return Authorization.objects.filter(
        agent_id=_pk(agent),
        principal_id=_pk(principal),
        status=AuthorizationStatus.APPROVED,
        scope__in=[direction, Scope.BOTH],
        valid_from__lte=on_date,
        valid_to__gte=on_date,
    ).exists()


def authorization_valid_pairs(*, pairs, direction: str, on_date: dt.date) -> set[tuple[int, int]]:
    """The (agent id, principal id) pairs among ``pairs`` for which authorization_is_valid
    holds, in one query whatever the number of pairs (for checking a batch of declarations)."""
    if direction not in Direction.values:
        raise ValueError(f"direction must be one of {Direction.values}, not {direction!r}")
    wanted = {(_pk(agent), _pk(principal)) for agent, principal in pairs}
    if not wanted:
        return set()
    found = Authorization.objects.filter(
        agent_id__in={a for a, _p in wanted},
        principal_id__in={p for _a, p in wanted},
        status=AuthorizationStatus.APPROVED,
        scope__in=[direction, Scope.BOTH],
        valid_from__lte=on_date,
        valid_to__gte=on_date,
    ).values_list("agent_id", "principal_id")
    return wanted & set(found)


def authorizations_for(*, enterprise) -> QuerySet[Authorization]:
    """Every authorization in which ``enterprise`` is a party."""
    pending = AuthorizationChange.objects.filter(authorization=OuterRef("pk"), status=ChangeStatus.PENDING)
    return (
        Authorization.objects.filter(Q(principal_id=_pk(enterprise)) | Q(agent_id=_pk(enterprise)))
        .select_related("principal", "agent")
        .annotate(has_pending_change=Exists(pending))
    )


def authorization_list(
    *,
    enterprise,
    status: str = "",
    counterparty: int | None = None,
    expiring_within: int | None = None,
    search: str = "",
    today: dt.date | None = None,
) -> QuerySet[Authorization]:
    qs = authorizations_for(enterprise=enterprise)
    if status:
        qs = qs.filter(status=status)
    if counterparty:
        qs = qs.filter(
            Q(principal_id=_pk(enterprise), agent_id=counterparty)
            | Q(agent_id=_pk(enterprise), principal_id=counterparty)
        )
    if expiring_within is not None:
        from django.utils import timezone

        today = today or timezone.localdate()
        qs = qs.filter(
            status=AuthorizationStatus.APPROVED,
            valid_to__gte=today,
            valid_to__lte=today + dt.timedelta(days=expiring_within),
        )
    if search:
        term = search.strip()
        qs = qs.filter(
            Q(number__icontains=term)
            | Q(principal_name__icontains=term)
            | Q(agent_name__icontains=term)
            | Q(principal_uscc__icontains=term)
            | Q(agent_uscc__icontains=term)
            | Q(principal__customs_code__icontains=term)
            | Q(agent__customs_code__icontains=term)
            | Q(principal_contact_name__icontains=term)
            | Q(agent_contact_name__icontains=term)
        )
    return qs.order_by("-created_at", "-id")


def authorization_get(*, enterprise, pk) -> Authorization:
    """One authorization of ``enterprise``, or 404 (another enterprise's id is simply not found)."""
    return get_object_or_404(authorizations_for(enterprise=enterprise), pk=pk)


def authorization_counterparties(*, enterprise) -> list[tuple[int, str]]:
    """(id, name) of every enterprise on the other side of one of ``enterprise``'s authorizations."""
    pk = _pk(enterprise)
    rows = Authorization.objects.filter(Q(principal_id=pk) | Q(agent_id=pk)).values_list(
        "principal_id", "principal__name", "agent_id", "agent__name"
    )
    seen: dict[int, str] = {}
    for principal_id, principal_name, agent_id, agent_name in rows.distinct():
        if principal_id == pk:
            seen[agent_id] = agent_name
        else:
            seen[principal_id] = principal_name
    return sorted(seen.items(), key=lambda item: item[1])


def authorization_history(*, authorization) -> QuerySet:
    return authorization.history.select_related("actor", "change").order_by("at", "id")


def authorization_pending_change(*, authorization) -> AuthorizationChange | None:
    return authorization.changes.filter(status=ChangeStatus.PENDING).first()


def are_partners(*, first, second) -> bool:
    """Whether the two enterprises have (or had) an authorization that customs approved."""
    a, b = _pk(first), _pk(second)
    return Authorization.objects.filter(
        Q(principal_id=a, agent_id=b) | Q(principal_id=b, agent_id=a),
        status__in=[AuthorizationStatus.APPROVED, AuthorizationStatus.EXPIRED],
    ).exists()


def overlapping_authorizations(*, authorization) -> QuerySet:
    """Other live authorizations between the same two parties that cover a shared direction on
    some shared day: a new one on top of them is allowed but worth a warning."""
    scopes = (
        [Scope.BOTH, Scope.IMPORT, Scope.EXPORT]
        if authorization.scope == Scope.BOTH
        else [
            Scope.BOTH,
            authorization.scope,
        ]
    )
    return (
        Authorization.objects.filter(
            principal_id=authorization.principal_id,
            agent_id=authorization.agent_id,
            scope__in=scopes,
            valid_from__lte=authorization.valid_to,
            valid_to__gte=authorization.valid_from,
        )
        .exclude(pk=authorization.pk)
        .exclude(status__in=FINAL_STATUSES)
        .order_by("valid_from", "pk")
    )
