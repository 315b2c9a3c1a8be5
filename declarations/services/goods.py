"""Goods register: an enterprise's goods and their commodity codes, reviewed by customs.

Every write goes through here: the browser pages, the API, the admin actions and
``import_goods`` call the same functions, so the rules below are written once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customs_portal import texts
from customs_portal.errors import ApplicationError, interpolate_lazy
from customs_portal.fsm import run_transition

from ..models import Goods, GoodsHistory, GoodsStatus

GCODE = re.compile(r"^\d{10}$")  # the 10-digit customs commodity (HS) code
UNIT = re.compile(r"^\d{3}$")  # customs unit parameter codes are 3 digits (007 = piece)
EDITABLE_FIELDS = (
    "item_no",
    "name",
    "description",
    "gcode",
    "unit",
    "unit1",
    "licence",
    "export_duty",
    "export_rebate",
)
LIMITS = {"item_no": 30, "name": 250, "description": 2000}

# notifications of the review, read in each user's language
GOODS_APPROVED = texts.define("goods.notice.approved", _("Goods %(item_no)s approved by customs"))
GOODS_REJECTED = texts.define("goods.notice.rejected", _("Goods %(item_no)s rejected by customs"))

REGISTERED = texts.define("goods.registered", _("Registered"))
CORRECTED = texts.define("goods.corrected", _("Corrected by the enterprise"))


def goods_field_errors(data: dict) -> dict[str, str]:
    """The goods rules, field by field (empty dict: valid). Used by every entry point."""
    errors: dict[str, str] = {}
    for name in ("item_no", "name", "gcode", "unit", "unit1"):
        if not str(data.get(name) or "").strip():
            errors[name] = _("This field is required.")
    for name, limit in LIMITS.items():
        if len(str(data.get(name) or "")) > limit:
            errors[name] = interpolate_lazy(_("At most %(n)d characters."), {"n": limit})
    gcode = str(data.get("gcode") or "").strip()
    if gcode and not GCODE.match(gcode):
        errors["gcode"] = _("The commodity code must be exactly 10 digits.")
    for name in ("unit", "unit1"):
        value = str(data.get(name) or "").strip()
        if value and not UNIT.match(value):
            errors[name] = _("A unit is a 3-digit customs unit code, for example 007 (piece).")
    return errors


def _clean(data: dict) -> dict:
    cleaned = {}
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        cleaned[name] = value.strip() if isinstance(value, str) else bool(value)
    return cleaned


def _validate(data: dict) -> None:
    errors = goods_field_errors(data)
    if errors:
        name, message = next(iter(errors.items()))
        raise ApplicationError(
            "invalid_goods", message, field=name, extra={"errors": {k: str(v) for k, v in errors.items()}}
        )


@transaction.atomic
def goods_create(*, enterprise, actor=None, data: dict) -> Goods:
    """Register goods for ``enterprise``; they wait for customs review."""
    data = _clean(data)
    _validate(data)
    if Goods.objects.filter(enterprise=enterprise, item_no=data["item_no"]).exists():
        raise ApplicationError(
            "duplicate_item_no",
            interpolate_lazy(
                _("Item number %(item_no)s is already registered."), {"item_no": data["item_no"]}
            ),
            field="item_no",
        )
    goods = Goods.objects.create(enterprise=enterprise, **data)
    GoodsHistory.objects.create(
        goods=goods,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status="",
        to_status=GoodsStatus.PENDING,
        reason=texts.stored(REGISTERED),
    )
    return goods


def goods_update(*, goods: Goods, actor=None, data: dict) -> Goods:
    """Change goods that customs has not approved; rejected goods go back to review."""
    data = _clean(data)
    merged = {name: getattr(goods, name) for name in EDITABLE_FIELDS} | data
    _validate(merged)

    def check(locked: Goods) -> None:
        if not locked.is_editable:
            raise ApplicationError(
                "goods_locked", _("Approved goods cannot be changed: register a new item instead.")
            )
        if (
            data.get("item_no", locked.item_no) != locked.item_no
            and Goods.objects.filter(enterprise_id=locked.enterprise_id, item_no=data["item_no"]).exists()
        ):
            raise ApplicationError(
                "duplicate_item_no",
                interpolate_lazy(
                    _("Item number %(item_no)s is already registered."), {"item_no": data["item_no"]}
                ),
                field="item_no",
            )

    with transaction.atomic():
        locked = Goods.objects.select_for_update().get(pk=goods.pk)
        check(locked)
        Goods.objects.filter(pk=locked.pk).update(**data)  # data fields only; status moves below
        if locked.status == GoodsStatus.REJECTED:
            run_transition(
                instance=locked,
                transition="resubmit",
                history_model=GoodsHistory,
                actor=actor,
                reason=texts.stored(CORRECTED),
            )
    return Goods.objects.get(pk=goods.pk)


def _notify(goods: Goods, title) -> None:
    """``title`` is a stored text (read in each user's language); the body is the reviewer's own
    words, shown as written."""
    from django.urls import reverse

    from notifications.services import notification_create

    notification_create(
        kind="goods_review",
        title=title,
        body=goods.review_reason or "",
        link=reverse("declarations:goods_detail", args=[goods.pk]),
        enterprise=goods.enterprise,
        email=False,
    )


def goods_approve(*, goods: Goods, actor) -> Goods:
    def after(locked: Goods) -> None:
        _notify(
            locked,
            texts.stored(GOODS_APPROVED, item_no=locked.item_no),
        )

    return run_transition(
        instance=goods, transition="approve", history_model=GoodsHistory, actor=actor, after=after
    )


def goods_reject(*, goods: Goods, actor, reason: str) -> Goods:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("reason_required", _("Give the enterprise a reason for the rejection."))

    def before(locked: Goods) -> None:
        locked.review_reason = reason

    def after(locked: Goods) -> None:
        _notify(
            locked,
            texts.stored(GOODS_REJECTED, item_no=locked.item_no),
        )

    return run_transition(
        instance=goods,
        transition="reject",
        history_model=GoodsHistory,
        actor=actor,
        reason=reason,
        before=before,
        after=after,
    )


# --- import_goods ---------------------------------------------------------------------
IMPORT_COLUMNS = (
    "item_no",
    "name",
    "description",
    "gcode",
    "unit",
    "unit1",
    "licence",
    "export_duty",
    "export_rebate",
)
FLAG_COLUMNS = ("licence", "export_duty", "export_rebate")


@dataclass
class GoodsImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)  # "row N: FIELD: reason"


def goods_import_rows(
    *, enterprise, rows: list[dict], approve: bool = False, dry_run: bool = False, actor=None
):
    """All or nothing: every row is checked first; any problem -> nothing is saved.

    Rows are keyed by item number; a row equal to what is stored changes nothing, so running
    the same file twice reports ``created 0, updated 0`` the second time.
    """
    result = GoodsImportResult()
    parsed: list[dict] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        data = {}
        for column in IMPORT_COLUMNS:
            value = (row.get(column) or "").strip()
            if column in FLAG_COLUMNS:
                if value.lower() not in ("yes", "no"):
                    result.errors.append(f"row {number}: {column}: " + str(_("must be yes or no")))
                data[column] = value.lower() == "yes"
            else:
                data[column] = value
        for name, message in goods_field_errors(data).items():
            result.errors.append(f"row {number}: {name}: {message}")
        if data["item_no"] in seen:
            result.errors.append(
                f"row {number}: item_no: "
                + str(interpolate_lazy(_("repeats row %(row)d"), {"row": seen[data["item_no"]]}))
            )
        seen.setdefault(data["item_no"], number)
        parsed.append(data)

    existing = {g.item_no: g for g in Goods.objects.filter(enterprise=enterprise, item_no__in=list(seen))}
    changes: list[tuple[int, dict, Goods | None]] = []
    for number, data in enumerate(parsed, start=1):
        current = existing.get(data["item_no"])
        if current is None:
            changes.append((number, data, None))
            continue
        differs = any(getattr(current, name) != data[name] for name in EDITABLE_FIELDS)
        if differs and not current.is_editable:
            result.errors.append(
                f"row {number}: item_no: " + str(_("already approved by customs and cannot be changed"))
            )
        elif differs:
            changes.append((number, data, current))
        elif approve and current.status == GoodsStatus.PENDING:
            changes.append((number, {}, current))  # only the approval is new
    if result.errors:
        return result

    with transaction.atomic():
        for _number, data, current in changes:
            if current is None:
                goods = goods_create(enterprise=enterprise, actor=actor, data=data)
                result.created += 1
            else:
                goods = goods_update(goods=current, actor=actor, data=data) if data else current
                result.updated += 1 if data else 0
            if approve and goods.status == GoodsStatus.PENDING:
                goods_approve(goods=goods, actor=actor)
        if dry_run:
            transaction.set_rollback(True)
    return result


# --- reads ------------------------------------------------------------------------------
def goods_list(*, enterprise, status: str = "", query: str = ""):
    """The enterprise's own goods, optionally filtered."""
    qs = Goods.objects.filter(enterprise=enterprise)
    if status:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(Q(item_no__icontains=query) | Q(name__icontains=query) | Q(gcode__startswith=query))
    return qs.order_by("item_no")


def goods_get(*, enterprise, pk) -> Goods:
    """One of the enterprise's goods, or 404 (another enterprise's id is simply not found)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Goods, enterprise=enterprise, pk=pk)


def goods_approved_map(*, enterprise_ids, item_nos) -> dict[tuple[int, str], Goods]:
    """Approved goods by (enterprise id, item number), in one query: for the comparison."""
    rows = Goods.objects.filter(
        enterprise_id__in=set(enterprise_ids), item_no__in=set(item_nos), status=GoodsStatus.APPROVED
    ).only("id", "enterprise_id", "item_no", "gcode", "licence", "export_duty", "export_rebate", "status")
    return {(g.enterprise_id, g.item_no): g for g in rows}
