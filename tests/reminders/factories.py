"""Rows of other parts' models, built directly for the reminder and cooperation tests."""

import itertools

from customs_portal.models import StatusHistory  # noqa: F401  (documents where history comes from)

_n = itertools.count(1)


def returned_inventory(
    *, sender, status="returned", reasons=("payment amount differs",), released_at=None, statistics_flag="B"
):
    from declarations.models import Inventory

    n = next(_n)
    inv = Inventory(
        guid=f"00000000-0000-0000-0000-{n:012d}",
        app_time="20260301120000",
        app_status="2",
        customs_code="2244",
        ebp_code=sender.uscc,
        ebp_name=sender.name,
        order_no=f"ORDER{n}",
        logistics_code=sender.uscc,
        logistics_name=sender.name,
        logistics_no=f"LN{n}",
        cop_no=f"COP{n}",
        port_code="2244",
        ie_date="20260301",
        statistics_flag=statistics_flag,
        released_at=released_at,
        agent_code=sender.uscc,
        agent_name=sender.name,
        ebc_code=sender.uscc,
        ebc_name=sender.name,
        owner_code=sender.uscc,
        owner_name=sender.name,
        trade_mode="9610",
        traf_mode="4",
        country="USA",
        pod="USA1",
        freight=0,
        f_currency="142",
        f_flag="3",
        insured_fee=0,
        i_currency="142",
        i_flag="3",
        wrap_type="2",
        pack_no=1,
        gross_weight=1,
        net_weight=1,
        ebp_enterprise=sender,
        ebc_enterprise=sender,
        agent_enterprise=sender,
        owner_enterprise=sender,
        logistics_enterprise=sender,
        sender=sender,
        return_reasons=list(reasons),
    )
    inv.__dict__["status"] = status  # protected FSM field: set once, before the first save
    inv.save()
    return inv


def enterprise_history(enterprise, *, to_status, at):
    from registration.models import EnterpriseHistory

    row = EnterpriseHistory.objects.create(
        enterprise=enterprise, from_status="pending_review", to_status=to_status
    )
    EnterpriseHistory.objects.filter(pk=row.pk).update(at=at)  # auto_now_add: backdate for the calendar
    return row
