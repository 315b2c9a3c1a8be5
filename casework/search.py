"""One search box over the queues and the lists: a USCC, a customs code, an enterprise name, a
list number (invtNo), an order or waybill number, an authorization number or id, a summary's
declaration number. Hits come grouped by kind, each linked to its admin page, and only of the
kinds the staff member's roles let them open (the model's view permission, and the role a
screen needs, as on the admin itself).

Every lookup goes through a unique or indexed column (exact match), except names, which are
searched only in the enterprise register (a small table); at most ``LIMIT`` hits a kind.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customs_portal.permissions import user_has_staff_role

LIMIT = 20
MIN_LENGTH = 2


@dataclass(frozen=True)
class Kind:
    key: str
    label: object
    model: str  # the model whose view permission the viewer needs
    where: Callable[[str], Q | None]  # the lookup for a term (None: this kind cannot match it)
    describe: Callable[[object], str]
    url: Callable[[object], str]
    role: str = ""
    source: str = ""  # the model searched, when the permission's model is a proxy of it
    related: tuple = ()

    def queryset(self):
        model = apps.get_model(self.source or self.model)
        return model._base_manager.select_related(*self.related)


KINDS: list[Kind] = []


def register(kind: Kind) -> None:
    KINDS[:] = [k for k in KINDS if k.key != kind.key] + [kind]


def _digits(term: str) -> int | None:
    return int(term) if term.isdigit() and len(term) < 12 else None


def _enterprise_where(term):
    q = Q(uscc=term.upper()) | Q(customs_code=term.upper())
    if len(term) >= MIN_LENGTH:
        q |= Q(name__icontains=term)
    return q


def _authorization_where(term):
    code = term.upper()  # a party by its USCC or customs code: through the parties' unique columns
    q = Q(number=term)
    for party in ("principal", "agent"):
        q |= Q(**{f"{party}__uscc": code}) | Q(**{f"{party}__customs_code": code})
    if (pk := _digits(term)) is not None:
        q |= Q(pk=pk)
    return q


def _list_where(term):
    return Q(invt_no=term) | Q(order_no=term) | Q(logistics_no=term)


def _summary_where(term):
    code = term.upper()
    q = Q(declaration_no=term) | Q(enterprise__uscc=code) | Q(enterprise__customs_code=code)
    if (pk := _digits(term)) is not None:
        q |= Q(pk=pk)
    return q


def _by_enterprise(term):
    """Rows of the enterprise with this USCC or customs code (through its unique columns and the
    rows' foreign-key index)."""
    code = term.upper()
    return Q(enterprise__uscc=code) | Q(enterprise__customs_code=code)


def _admin_url(name):
    return lambda obj: reverse(name, args=[obj.pk])


for _kind in [
    Kind(
        "enterprises",
        _("Enterprises"),
        "registration.Enterprise",
        _enterprise_where,
        lambda e: f"{e.name} · {e.uscc} · {e.customs_code or '—'} · {e.get_status_display()}",
        _admin_url("admin:registration_enterprise_review"),
    ),
    Kind(
        "authorizations",
        _("Authorizations"),
        "authorization.Authorization",
        _authorization_where,
        lambda a: f"{a.number or a.pk} · {a.principal_name} → {a.agent_name} · {a.get_status_display()}",
        _admin_url("admin:authorization_authorization_change"),
    ),
    Kind(
        "lists",
        _("Declaration lists"),
        "channels.RedList",
        _list_where,
        lambda i: (
            f"{i.invt_no or i.cop_no} · {i.order_no} · {i.logistics_no} · {i.ebc_name} · {i.get_status_display()}"
        ),
        _admin_url("admin:channels_redlist_change"),
        role="risk_officer",
        source="declarations.Inventory",
    ),
    Kind(
        "cancel_requests",
        _("List cancellation requests"),
        "declarations.InventoryCancelRequest",
        lambda term: Q(invt_no=term),
        lambda r: f"{r.invt_no} · {r.get_status_display()}",
        _admin_url("admin:declarations_inventorycancelrequest_change"),
    ),
    Kind(
        "summaries",
        _("Summary forms"),
        "summaries.SummaryForm",
        _summary_where,
        lambda f: f"{f} · {f.enterprise.name} · {f.get_status_display()}",
        _admin_url("admin:summaries_summaryform_change"),
        related=("enterprise",),
    ),
    Kind(
        "goods",
        _("Goods"),
        "declarations.Goods",
        _by_enterprise,
        lambda g: f"{g.item_no} · {g.name} · {g.gcode} · {g.get_status_display()}",
        _admin_url("admin:declarations_goods_change"),
    ),
    Kind(
        "annual_reports",
        _("Annual reports"),
        "cooperation.AnnualReport",
        _by_enterprise,
        lambda r: f"{r.enterprise.name} · {r.year} · {r.get_status_display()}",
        _admin_url("admin:cooperation_annualreport_change"),
        related=("enterprise",),
    ),
    Kind(
        "questions",
        _("Questions"),
        "cooperation.Question",
        _by_enterprise,
        lambda q: f"{q.subject} · {q.enterprise.name} · {q.get_status_display()}",
        _admin_url("admin:cooperation_question_change"),
        related=("enterprise",),
    ),
]:
    register(_kind)


def _may_search(user, kind: Kind) -> bool:
    model = apps.get_model(kind.model)
    if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        return False
    return not kind.role or user_has_staff_role(user, kind.role)


def search(user, term: str) -> list[dict]:
    """[{kind, label, hits: [(text, url)], more}] for the kinds ``user`` may open."""
    # PostgreSQL refuses NUL in a string, and no number or name is longer than 100 characters
    term = re.sub(r"\s+", " ", (term or "").replace("\x00", "")).strip()[:100]
    if len(term) < MIN_LENGTH:
        return []
    groups = []
    for kind in KINDS:
        if not _may_search(user, kind):
            continue
        where = kind.where(term)
        if where is None:
            continue
        found = list(kind.queryset().filter(where).order_by("-pk")[: LIMIT + 1])
        if found:
            groups.append(
                {
                    "kind": kind.key,
                    "label": kind.label,
                    "hits": [(kind.describe(obj), kind.url(obj)) for obj in found[:LIMIT]],
                    "more": len(found) > LIMIT,
                }
            )
    return groups
