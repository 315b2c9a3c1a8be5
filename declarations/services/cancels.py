"""Cancellation of declared lists (CEB605): received here, decided by a customs reviewer.

A declared list is never changed; it can only be cancelled, through a CEB605 request that a
reviewer approves or refuses in admin. A departed (or already cancelled) list cannot be.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from customs_portal import texts
from customs_portal.errors import ApplicationError
from customs_portal.fsm import run_transition
from declarations.exchange.services import receipt_record_cancel_decision

from ..models import CancelStatus, Inventory, InventoryCancelRequest, InventoryHistory, InventoryStatus
from .common import (
    CODE_NOT_CANCELLABLE,
    CODE_WRONG_ROLE,
    Parties,
    accepted,
    codes_of,
    duplicate,
    errors_text,
    info,
    receive_with_retry,
    record_rejected_receipts,
    rejected,
)
from .receipts import Receipt

SEND_AGAIN = texts.define("declarations.receipt.cancel_send_again", gettext_lazy("Send the request again."))
NOT_BROKER = texts.define(
    "declarations.receipt.cancel_not_broker", gettext_lazy("agentCode %(code)s is not a customs broker")
)
NO_DECLARED_LIST = texts.define(
    "declarations.receipt.cancel_no_list",
    gettext_lazy("no declared list %(invt)s with copNo %(cop)s of %(ebc)s was declared by this agent"),
)
ALREADY_AWAITS = texts.define(
    "declarations.receipt.cancel_pending",
    gettext_lazy("a cancellation of list %(invt)s already awaits customs' decision"),
)
NOT_CANCELLABLE = texts.define(
    "declarations.receipt.cancel_too_late",
    gettext_lazy("list %(invt)s is %(status)s and can no longer be cancelled"),
)
AWAITING = texts.define("declarations.receipt.cancel_awaiting", gettext_lazy("awaiting customs' decision"))

# the trader's own words (the CEB605 reason) are a parameter, kept as they were sent
CANCEL_APPROVED = texts.define(
    "inventory.cancel_approved", gettext_lazy("cancellation approved (CEB605): %(reason)s")
)

KEY = "copNo"
CANCELLABLE = (
    InventoryStatus.DECLARED,
    InventoryStatus.RETURNED,
    InventoryStatus.UNDER_REVIEW,
    InventoryStatus.RELEASED,
)


def inventory_cancel_receive_batch(*, entries: list[dict], sender) -> list[Receipt]:
    """CEB605 requests; each names a declared list by (agentCode, copNo) and its invtNo."""
    return receive_with_retry(
        _receive,
        entries=entries,
        sender=sender,
        kind="cancel",
        key_field=KEY,
        text=texts.stored(SEND_AGAIN),
    )


def _receive(*, entries: list[dict], sender) -> list[Receipt]:
    parties = Parties(codes_of(entries, ("agentCode", "ebcCode")))
    receipts: list[Receipt | None] = [None] * len(entries)
    resolved: dict[int, tuple] = {}
    for index, entry in enumerate(entries):
        errors: list[str] = []
        agent = parties.check(entry, "agentCode", (), errors)
        ebc = parties.check(entry, "ebcCode", ("ecommerce",), errors)
        if agent is not None and ebc is not None and agent.pk != ebc.pk and not agent.has_role("broker"):
            errors.append(
                info(
                    CODE_WRONG_ROLE,
                    texts.stored(NOT_BROKER, code=entry["agentCode"]),
                )
            )
        if errors:
            receipts[index] = rejected(entry, KEY, errors_text(errors))
        else:
            resolved[index] = (agent, ebc)

    with transaction.atomic():
        by_agent: dict[int, list[str]] = defaultdict(list)
        for index, (agent, _ebc) in resolved.items():
            by_agent[agent.pk].append(entries[index][KEY])
        condition = Q(pk__in=[])
        for agent_id, cop_nos in by_agent.items():
            condition |= Q(agent_enterprise_id=agent_id, cop_no__in=cop_nos)
        inventories = {
            (inv.agent_enterprise_id, inv.cop_no): inv
            for inv in Inventory.objects.select_for_update().filter(condition).order_by("pk")
        }
        requests = defaultdict(list)
        for request in InventoryCancelRequest.objects.filter(inventory__in=list(inventories.values())):
            requests[request.inventory_id].append(request)

        to_create = []
        for index, (agent, ebc) in resolved.items():
            entry = entries[index]
            inventory = inventories.get((agent.pk, entry[KEY]))
            if (
                inventory is None
                or inventory.invt_no != entry["invtNo"]
                or inventory.ebc_enterprise_id != ebc.pk
            ):
                receipts[index] = rejected(
                    entry,
                    KEY,
                    info(
                        CODE_NOT_CANCELLABLE,
                        texts.stored(
                            NO_DECLARED_LIST, invt=entry["invtNo"], cop=entry[KEY], ebc=entry["ebcCode"]
                        ),
                    ),
                )
                continue
            previous = requests[inventory.pk]
            if any(
                r.guid == entry["guid"] or (r.status == CancelStatus.PENDING and r.reason == entry["reason"])
                for r in previous
            ):
                # the same request again (under any guid): it already awaits customs' decision
                receipts[index] = duplicate(entry, KEY)
                continue
            if any(r.status == CancelStatus.PENDING for r in previous):
                receipts[index] = rejected(
                    entry,
                    KEY,
                    info(
                        CODE_NOT_CANCELLABLE,
                        texts.stored(ALREADY_AWAITS, invt=inventory.invt_no),
                    ),
                )
                continue
            if inventory.status not in CANCELLABLE:
                receipts[index] = rejected(
                    entry,
                    KEY,
                    info(
                        CODE_NOT_CANCELLABLE,
                        texts.stored(
                            NOT_CANCELLABLE,
                            invt=inventory.invt_no or inventory.cop_no,
                            status=texts.choice(InventoryStatus, inventory.status),
                        ),
                    ),
                )
                continue
            request = InventoryCancelRequest(
                inventory=inventory,
                guid=entry["guid"],
                app_time=entry["appTime"],
                cop_no=entry[KEY],
                invt_no=entry["invtNo"],
                reason=entry["reason"],
                sender=sender,
            )
            requests[inventory.pk].append(request)
            to_create.append(request)
            receipts[index] = accepted(entry, KEY, texts.stored(AWAITING))
        InventoryCancelRequest.objects.bulk_create(to_create)
    record_rejected_receipts(sender=sender, kind="cancel", pairs=list(zip(entries, receipts, strict=True)))
    return receipts


def inventory_cancel_decide(
    *, request: InventoryCancelRequest, actor, approve: bool, reason: str = ""
) -> InventoryCancelRequest:
    """A reviewer approves (the list is cancelled) or refuses (with a reason) a CEB605 request."""
    if not approve and not reason.strip():
        raise ApplicationError(
            "reason_required", gettext_lazy("Give the enterprise a reason for the refusal.")
        )
    with transaction.atomic():
        locked = InventoryCancelRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != CancelStatus.PENDING:
            raise ApplicationError(
                "already_decided", gettext_lazy("This cancellation request has already been decided.")
            )
        if approve:
            run_transition(
                instance=locked.inventory,
                transition="cancel",
                history_model=InventoryHistory,
                actor=actor,
                reason=texts.stored(CANCEL_APPROVED, reason=locked.reason),
            )
            from declarations.duties.services import duty_form_void_for_inventory

            duty_form_void_for_inventory(inventory=locked.inventory, actor=actor)
            locked.status = CancelStatus.APPROVED
        else:
            locked.status = CancelStatus.REFUSED
        locked.decided_by = actor if getattr(actor, "pk", None) else None
        locked.decided_at = timezone.now()
        locked.decision_reason = reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        receipt_record_cancel_decision(request=locked)
    return locked
