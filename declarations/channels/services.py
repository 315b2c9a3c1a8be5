"""Green or red: where a list that passed the comparison goes, and what officers do with it.

Interface used by declarations' list services (kept stable):

- ``inventory_route(*, inventory)``: called inside the declaring transaction, with the
  inventory in ``declared`` once the comparison has passed. It chooses the channel, stores it
  in ``inventory.channel`` and runs ``release`` (green) or ``send_to_review`` (red); returns
  the channel. ``inventories_route(*, inventories)`` does the same for a batch with a fixed
  number of queries.
- ``to_cny(*, amount, currency, on_date)``: the amount in RMB at the month's rate from the
  rate table; raises ApplicationError(code="no_exchange_rate") when the month has no rate.

Traders never learn why a list went red (the rules and the draw would become predictable):
the reasons live in ChannelDecision, which only customs reads; the list's history says only
that it was selected for on-site review.
"""

import datetime as dt
import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customs_portal import texts
from customs_portal.bulk import rows_insert
from customs_portal.codes import Currency
from customs_portal.errors import ApplicationError, interpolate_lazy
from customs_portal.fsm import run_transition
from customs_portal.permissions import user_has_staff_role
from declarations.exchange.services import receipts_record_list_moves

from .models import (
    DEFAULT_INSPECTION_RATE,
    RMB,
    ChannelDecision,
    DecisionKind,
    ExchangeRate,
    InspectionSetting,
    RiskRule,
)

GREEN, RED = "green", "red"
SYSTEM = "system"

# stored texts (customs_portal.texts): the history notes traders read and the channel reasons
# officers read, each in the reader's language; a rule's reason and an officer's typed reason
# are kept as the person wrote them
ROUTED_GREEN = texts.define("channel.routed_green", gettext_lazy("Released in the green channel."))
ROUTED_RED = texts.define("channel.routed_red", gettext_lazy("Selected for on-site review (red channel)."))
RELEASED_AFTER_REVIEW = texts.define(
    "channel.released_after_review", gettext_lazy("Released after on-site review.")
)
PULLED_BACK = texts.define("channel.pulled_back", gettext_lazy("Pulled back by an officer."))
LICENCE_GOODS = texts.define(
    "channel.licence_goods", gettext_lazy("Goods under licence management: %(items)s.")
)
LICENCE_DECLARED = texts.define("channel.licence_declared", gettext_lazy("The list declares licence %(no)s."))
INSPECTION_DRAWN = texts.define("channel.inspection_drawn", gettext_lazy("Drawn for random inspection."))
NO_RATE = texts.define(
    "channel.no_rate",
    gettext_lazy("No exchange rate for currency %(currency)s in %(month)s: customs must enter it first."),
)
_CENT = Decimal("0.00001")  # money is kept to 5 decimals, like the lists' amounts


# --- exchange rates ---------------------------------------------------------------------------
def _month(on_date) -> dt.date:
    if isinstance(on_date, dt.datetime):
        on_date = timezone.localtime(on_date).date() if timezone.is_aware(on_date) else on_date.date()
    return on_date.replace(day=1)


def exchange_rates_load(*, currencies: Iterable[str], dates: Iterable) -> dict[tuple[str, dt.date], Decimal]:
    """The rates for these currencies and the months of these dates, in one query."""
    currencies = {c for c in currencies if c and c != RMB}
    months = {_month(d) for d in dates}
    if not currencies or not months:
        return {}
    rows = ExchangeRate.objects.filter(currency__in=currencies, month__in=months).values_list(
        "currency", "month", "rate"
    )
    return {(currency, month): rate for currency, month, rate in rows}


def to_cny(*, amount: Decimal, currency: str, on_date, rates: dict | None = None) -> Decimal:
    """``amount`` of ``currency`` in RMB at the rate of ``on_date``'s month.

    ``rates`` (from exchange_rates_load) spares the query when converting many amounts.
    """
    amount = Decimal(amount)
    if currency == RMB:
        return amount
    month = _month(on_date)
    if rates is not None and (currency, month) in rates:
        rate = rates[(currency, month)]
    else:
        rate = (
            ExchangeRate.objects.filter(currency=currency, month=month).values_list("rate", flat=True).first()
        )
    if rate is None:
        raise ApplicationError(
            "no_exchange_rate",
            interpolate_lazy(
                gettext_lazy(
                    "No exchange rate for currency %(currency)s in %(month)s: customs must enter it first."
                ),
                {"currency": currency, "month": f"{month:%Y-%m}"},
            ),
            extra={"currency": currency, "month": f"{month:%Y-%m}"},
        )
    return (amount * rate).quantize(_CENT, rounding=ROUND_HALF_UP)


def exchange_rate_set(*, currency: str, month: dt.date, rate: Decimal) -> ExchangeRate:
    if currency == RMB:
        raise ApplicationError("rmb_rate", _("The renminbi needs no exchange rate."))
    if Decimal(rate) <= 0:
        raise ApplicationError("bad_rate", _("An exchange rate must be above zero."))
    row, _created = ExchangeRate.objects.update_or_create(
        currency=currency, month=_month(month), defaults={"rate": Decimal(rate)}
    )
    return row


# --- the random inspection draw ---------------------------------------------------------------
def inspection_rate_current() -> Decimal:
    row = InspectionSetting.objects.order_by("-set_at", "-pk").values_list("rate", flat=True).first()
    return DEFAULT_INSPECTION_RATE if row is None else row


def inspection_rate_set(*, rate, actor=None, note: str = "") -> InspectionSetting:
    try:
        rate = Decimal(str(rate))
    except ArithmeticError:
        rate = None
    if rate is None or not rate.is_finite() or rate < 0 or rate > 1:
        raise ApplicationError("bad_rate", _("The inspection rate is a fraction between 0 and 1, e.g. 0.05."))
    if rate != rate.quantize(Decimal("0.0001")):
        raise ApplicationError(
            "bad_rate", _("Give the inspection rate to at most four decimals, e.g. 0.0525.")
        )
    if actor is not None and not user_has_staff_role(actor, "risk_officer"):
        raise ApplicationError("forbidden", _("Only risk officers set the inspection rate."))
    return InspectionSetting.objects.create(rate=rate, set_by=actor, note=note)


def inspection_draw(*, invt_no: str, secret: str | None = None) -> Decimal:
    """A number in [0, 1) fixed by the inventory number and the secret.

    HMAC-SHA256 keeps it reproducible for an audit that knows the secret, and unpredictable
    to a trader who does not: the list is inspected when the draw is below the rate.
    """
    key = (secret if secret is not None else settings.INSPECTION_SECRET).encode()
    digest = hmac.new(key, invt_no.encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:8], "big")
    return (Decimal(value) / Decimal(2**64)).quantize(Decimal("0.0000000001"), rounding="ROUND_DOWN")


def inspection_drawn(*, invt_no: str, rate: Decimal, secret: str | None = None) -> bool:
    return inspection_draw(invt_no=invt_no, secret=secret) < Decimal(rate)


# --- routing ---------------------------------------------------------------------------------
@dataclass
class _Facts:
    """What the rules look at, for one list, gathered in bulk."""

    gcodes: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    currencies: set[str] = field(default_factory=set)
    licence_items: list[str] = field(default_factory=list)


def _reason(code: str, message, rule: RiskRule | None = None) -> dict:
    """One reason: ``message`` a stored text, or what a person wrote (a rule's reason)."""
    entry = {"code": code, "message": message}
    if rule is not None:
        entry["rule"] = rule.pk
    return entry


def _gather(inventories: list) -> tuple[dict[int, _Facts], set[int]]:
    from declarations.models import Goods, InventoryLine
    from registration.models import CreditRating, Enterprise

    ids = [inv.pk for inv in inventories]
    facts = {pk: _Facts() for pk in ids}
    lines = list(
        InventoryLine.objects.filter(inventory_id__in=ids).values_list(
            "inventory_id", "item_no", "gcode", "country", "currency"
        )
    )
    item_nos = set()
    for inventory_id, item_no, gcode, country, currency in lines:
        f = facts[inventory_id]
        f.gcodes.add(gcode)
        f.countries.add(country)
        f.currencies.add(currency)
        item_nos.add(item_no)
    # licence rule: the goods register says which goods are under licence management
    owners = {inv.ebc_enterprise_id for inv in inventories} | {inv.owner_enterprise_id for inv in inventories}
    licensed = set(
        Goods.objects.filter(enterprise_id__in=owners, item_no__in=item_nos, licence=True).values_list(
            "enterprise_id", "item_no"
        )
    )
    by_pk = {inv.pk: inv for inv in inventories}
    if licensed:
        for inventory_id, item_no, *_rest in lines:
            inv = by_pk[inventory_id]
            if (inv.ebc_enterprise_id, item_no) in licensed or (inv.owner_enterprise_id, item_no) in licensed:
                facts[inventory_id].licence_items.append(item_no)
    parties = set()
    for inv in inventories:
        parties |= {inv.ebc_enterprise_id, inv.agent_enterprise_id, inv.owner_enterprise_id}
    dishonest = set(
        Enterprise.objects.filter(pk__in=parties, credit_rating=CreditRating.DISHONEST).values_list(
            "pk", flat=True
        )
    )
    return facts, dishonest


def _declared_on(inventory) -> dt.date:
    return timezone.localdate(inventory.declared_at) if inventory.declared_at else timezone.localdate()


def _value_cny(inventory, facts: _Facts, rates) -> Decimal:
    currencies = facts.currencies or {RMB}
    if len(currencies) > 1:
        raise ApplicationError("mixed_currencies", _("The lines are in more than one currency."))
    return to_cny(
        amount=inventory.total_value,
        currency=next(iter(currencies)),
        on_date=_declared_on(inventory),
        rates=rates,
    )


def _assess(
    inventory, facts: _Facts, dishonest: set[int], rules: list[RiskRule], rate: Decimal, rates
) -> dict:
    """Decide one list's channel: the reasons for red, and the draw (kept for audits)."""
    reasons = []
    parties = {inventory.ebc_enterprise_id, inventory.agent_enterprise_id, inventory.owner_enterprise_id}
    value = None
    value_error = None
    for rule in rules:
        if rule.gcode_prefix and not any(g.startswith(rule.gcode_prefix) for g in facts.gcodes):
            continue
        if rule.country and rule.country != inventory.country and rule.country not in facts.countries:
            continue
        if rule.dishonest_only and not (parties & dishonest):
            continue
        if rule.enterprise_id and rule.enterprise_id not in parties:
            continue
        if rule.value_above is not None:
            if value is None and value_error is None:
                try:
                    value = _value_cny(inventory, facts, rates)
                except ApplicationError as exc:
                    value_error = exc
            if value_error is not None:
                # a list whose value cannot be judged is not waved through: an officer looks
                reasons.append(_reason(value_error.code, _value_error_text(value_error), rule))
                continue
            if value <= rule.value_above:
                continue
        reasons.append(_reason("risk_rule", rule.reason, rule))
    # domain: goods whose certificates the rules did not flag must not slip into green
    if facts.licence_items:
        reasons.append(
            _reason(
                "licence",
                texts.stored(LICENCE_GOODS, items=", ".join(sorted(set(facts.licence_items)))),
            )
        )
    elif inventory.license_no:
        reasons.append(_reason("licence", texts.stored(LICENCE_DECLARED, no=inventory.license_no)))
    draw = inspection_draw(invt_no=inventory.invt_no or inventory.cop_no)
    drawn = draw < rate
    if drawn:
        reasons.append(_reason("inspection", texts.stored(INSPECTION_DRAWN)))
    return {"channel": RED if reasons else GREEN, "reasons": reasons, "draw": draw, "drawn": drawn}


def _value_error_text(error: ApplicationError):
    if error.code == "no_exchange_rate" and "currency" in error.extra:
        return texts.stored(
            NO_RATE,
            currency=texts.code(Currency, error.extra["currency"]),
            month=error.extra.get("month", ""),
        )
    return str(error)


# what the rules read of a list (the rows are locked and read once per batch, as plain tuples)
_ROUTING_FIELDS = [
    "pk",
    "status",
    "invt_no",
    "cop_no",
    "country",
    "license_no",
    "total_value",
    "declared_at",
    "ebc_enterprise_id",
    "agent_enterprise_id",
    "owner_enterprise_id",
]


def _routing_moves() -> dict[str, tuple[str, str]]:
    """{channel: (source, target)} read from the Inventory state machine, the one place the
    allowed moves are declared: green runs ``release``, red runs ``send_to_review``."""
    from declarations.models import Inventory, InventoryStatus

    declared = InventoryStatus.DECLARED.value
    moves = {}
    for t in Inventory._meta.get_field("status").get_all_transitions(Inventory):
        if t.source == declared and t.name in ("release", "send_to_review") and not t.conditions:
            moves[GREEN if t.name == "release" else RED] = (declared, t.target)
    if set(moves) != {GREEN, RED}:  # pragma: no cover - the state machine changed under us
        raise ImproperlyConfigured("Inventory must allow release and send_to_review from declared")
    return moves


def inventories_route(*, inventories) -> dict[int, str]:
    """Route declared lists that passed the comparison; {pk: channel}. Fixed number of queries.

    Like run_transition, but for the whole batch at once: the rows are locked, each move is
    checked against the state machine's declared source on the locked row, and each list gets
    one history entry and one channel decision.
    """
    from declarations.models import Inventory, InventoryHistory, InventoryStatus

    inventories = list(inventories)
    if not inventories:
        return {}
    moves = _routing_moves()
    now = timezone.now()
    reason = {GREEN: texts.stored(ROUTED_GREEN), RED: texts.stored(ROUTED_RED)}
    with transaction.atomic():
        locked = list(
            Inventory.objects.select_for_update()
            .filter(pk__in=[inv.pk for inv in inventories])
            .order_by("pk")
            .values_list(*_ROUTING_FIELDS, named=True)
        )
        for row in locked:
            if row.status != moves[GREEN][0]:
                raise ApplicationError(
                    "invalid_transition",
                    _("List %(no)s cannot be routed: it is “%(status)s”.")
                    % {"no": row.invt_no or row.cop_no, "status": InventoryStatus(row.status).label},
                )
        facts, dishonest = _gather(locked)
        duty_ids, duty_missing = _duty_lists(facts, now)
        rules = list(RiskRule.objects.filter(active=True))
        rate = inspection_rate_current()
        rates = {}
        if any(r.value_above is not None for r in rules):
            rates = exchange_rates_load(
                currencies={c for f in facts.values() for c in f.currencies},
                dates=[_declared_on(row) for row in locked],
            )
        decisions, history, result = [], [], {}
        by_channel = defaultdict(list)
        for row in locked:
            outcome = _assess(row, facts[row.pk], dishonest, rules, rate, rates)
            if row.pk in duty_missing:
                # export-duty goods whose duty cannot be computed are not released unassessed
                outcome["reasons"].extend(duty_missing[row.pk])
                outcome["channel"] = RED
            channel = outcome["channel"]
            source, target = moves[channel]
            by_channel[channel].append(row.pk)
            history.append(
                InventoryHistory(
                    inventory_id=row.pk,
                    actor_label=SYSTEM,
                    from_status=source,
                    to_status=target,
                    reason=reason[channel],
                )
            )
            decisions.append(
                ChannelDecision(
                    inventory_id=row.pk,
                    kind=DecisionKind.ROUTED,
                    channel=channel,
                    drawn_for_inspection=outcome["drawn"],
                    draw=outcome["draw"],
                    inspection_rate=rate,
                    reasons=outcome["reasons"],
                )
            )
            result[row.pk] = channel
        # One UPDATE per outcome: a statement per row (or bulk_update's CASE per row) is too slow
        # for 100,000 parcels. Only rows still in the source state move (they are locked anyway).
        for channel, pks in by_channel.items():
            source, target = moves[channel]
            Inventory.objects.filter(pk__in=pks, status=source).update(
                status=target,
                channel=channel,
                released_at=now if channel == GREEN else None,
                updated_at=now,
            )
        # tax-related goods: a released list with export-duty goods becomes a duty form now
        released_duty = [pk for pk in by_channel.get(GREEN, []) if pk in duty_ids]
        if released_duty:
            from declarations.duties.services import duty_forms_open

            duty_forms_open(inventory_ids=released_duty, released_at=now)
        # COPY (bulk_create on SQLite): the intake's hot path writes a history entry and a
        # decision for every list
        rows_insert(history)
        rows_insert(decisions)
        receipts_record_list_moves(
            inventories=inventories, statuses={pk: moves[c][1] for pk, c in result.items()}
        )
    # the callers' objects follow the rows they passed in
    for inv in inventories:
        channel = result[inv.pk]
        inv.__dict__["status"] = moves[channel][1]
        inv.channel, inv.updated_at = channel, now
        inv.released_at = now if channel == GREEN else None
    return result


def _duty_lists(facts: dict[int, _Facts], now) -> tuple[set[int], dict[int, list]]:
    """The lists with export-duty goods (rate table, on the release day), and among them those
    whose duty cannot be computed for want of the month's exchange rate: {pk: [reasons]}."""
    from declarations.duties.services import duty_inventory_ids, duty_rates_in_force

    duty_rates = duty_rates_in_force(on_date=timezone.localdate(now))
    duty_ids = duty_inventory_ids(gcodes={pk: f.gcodes for pk, f in facts.items()}, rates=duty_rates)
    if not duty_ids:
        return duty_ids, {}
    month = _month(now)
    fx = exchange_rates_load(currencies={c for pk in duty_ids for c in facts[pk].currencies}, dates=[now])
    missing = {}
    for pk in duty_ids:
        lacking = sorted(c for c in facts[pk].currencies if c != RMB and (c, month) not in fx)
        if lacking:
            missing[pk] = [
                _reason(
                    "no_exchange_rate",
                    texts.stored(NO_RATE, currency=texts.code(Currency, c), month=f"{month:%Y-%m}"),
                )
                for c in lacking
            ]
    return duty_ids, missing


def inventory_route(*, inventory) -> str:
    """Route one declared list that passed the comparison; returns "green" or "red"."""
    return inventories_route(inventories=[inventory])[inventory.pk]


# --- officers' decisions ----------------------------------------------------------------------
def _require_officer(actor) -> None:
    if not user_has_staff_role(actor, "risk_officer"):
        raise ApplicationError("forbidden", _("Only risk officers decide on the channels."))


def _concrete(inventory):
    from declarations.models import Inventory

    # the queue's proxy managers hide lists that moved on; lock the real row instead, so that
    # a second officer gets the state machine's clear error rather than "not found"
    return Inventory(pk=inventory.pk) if type(inventory) is not Inventory else inventory


def red_list_release(*, inventory, actor, reason: str = ""):
    """An officer releases a red list after on-site review."""
    from declarations.models import InventoryHistory

    _require_officer(actor)

    def stamp(row):
        from declarations.duties.services import duty_forms_open

        row.released_at = timezone.now()
        row.save(update_fields=["released_at", "updated_at"])
        # tax-related goods: the released list becomes a duty form of its own (refused, with
        # nothing changed, while the month's exchange rate for its currency is missing)
        duty_forms_open(inventory_ids=[row.pk], released_at=row.released_at)
        receipts_record_list_moves(inventories=[row])

    return run_transition(
        instance=_concrete(inventory),
        transition="release",
        history_model=InventoryHistory,
        actor=actor,
        reason=reason.strip() or texts.stored(RELEASED_AFTER_REVIEW),
        before=_only_under_review,
        after=stamp,
    )


def _only_under_review(row) -> None:
    # release() also leads from "declared" (the green channel): officers act on the queue only
    if row.status != "under_review":
        raise ApplicationError(
            "invalid_transition",
            _("This list is not waiting for review any more: it is now “%(status)s”. Reload the page.")
            % {"status": row.get_status_display()},
        )


def red_list_reject(*, inventory, actor, reason: str):
    """An officer rejects a red list; the reason is shown to the trader."""
    from declarations.models import InventoryHistory

    _require_officer(actor)
    if not (reason or "").strip():
        raise ApplicationError(
            "reason_required", _("Give the enterprise a reason for the rejection."), field="reason"
        )

    def record(row):
        from declarations.duties.services import duty_form_void_for_inventory

        row.return_reasons = [{"field": "", "reason": reason.strip()}]
        row.save(update_fields=["return_reasons", "updated_at"])
        duty_form_void_for_inventory(inventory=row, actor=actor)  # pulled back, then rejected
        receipts_record_list_moves(inventories=[row])

    return run_transition(
        instance=_concrete(inventory),
        transition="reject",
        history_model=InventoryHistory,
        actor=actor,
        reason=reason.strip(),
        after=record,
    )


def released_list_pull_back(*, inventory, actor, reason: str = ""):
    """An officer pulls a released (green) list back to on-site review, until it departs."""
    from declarations.models import InventoryHistory

    _require_officer(actor)

    def check(row):
        if row.status != "released":
            raise ApplicationError(
                "invalid_transition",
                _("Only a released list that has not departed can be pulled back; this one is “%(status)s”.")
                % {"status": row.get_status_display()},
            )

    def record(row):
        row.channel = RED
        row.released_at = None
        row.save(update_fields=["channel", "released_at", "updated_at"])
        ChannelDecision.objects.create(
            inventory=row,
            kind=DecisionKind.PULLED_BACK,
            channel=RED,
            decided_by=actor,
            reasons=[_reason("pulled_back", reason.strip() or texts.stored(PULLED_BACK))],
        )
        receipts_record_list_moves(inventories=[row])

    return run_transition(
        instance=_concrete(inventory),
        transition="send_to_review",
        history_model=InventoryHistory,
        actor=actor,
        reason=texts.stored(ROUTED_RED),
        before=check,
        after=record,
    )


def channel_decisions_by_inventory(*, inventory_ids) -> dict[int, list[ChannelDecision]]:
    out = defaultdict(list)
    for d in ChannelDecision.objects.filter(inventory_id__in=inventory_ids).order_by("decided_at", "pk"):
        out[d.inventory_id].append(d)
    return out
