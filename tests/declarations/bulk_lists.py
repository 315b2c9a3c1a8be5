"""Many declaration lists at once, in one INSERT ... SELECT generate_series (page scale tests)."""

from django.db import connection

_INSERT = """
INSERT INTO declarations_inventory (
    guid, app_time, app_status, customs_code, ebp_code, ebp_name, order_no, logistics_code,
    logistics_name, logistics_no, cop_no, pre_no, invt_no, ie_flag, port_code, ie_date,
    statistics_flag, agent_code, agent_name, ebc_code, ebc_name, owner_code, owner_name, iac_code,
    iac_name, ems_no, trade_mode, traf_mode, traf_name, voyage_no, bill_no, total_package_no,
    loct_no, license_no, country, pod, freight, f_currency, f_flag, insured_fee, i_currency,
    i_flag, wrap_type, pack_no, gross_weight, net_weight, note, status, channel, return_reasons,
    total_value, received_at, declared_at, released_at, departed_at, updated_at,
    agent_enterprise_id, ebc_enterprise_id, ebp_enterprise_id, logistics_enterprise_id,
    owner_enterprise_id, sender_id)
SELECT %(tag)s || lpad(n::text, 20, '0'), '20261010101010', '1', '2244', 'X', 'bulk',
    %(tag)s || '-ORD-' || n, 'X', 'bulk', %(tag)s || '-LN-' || n, %(tag)s || '-COP-' || n, '',
    CASE WHEN s.status = 'stored' THEN NULL ELSE %(tag)s || lpad(n::text, 12, '0') END,
    'E', '2244', '20261010', 'B', 'X', 'bulk', 'X', 'bulk', 'X', 'bulk', '', '', '', '9610', '5',
    '', '', '', '', '', '', '502', 'USA', 10, '142', '3', 0, '142', '3', '2', 1, 1.5, 1.2, '',
    s.status, 'green',
    CASE WHEN s.status IN ('returned', 'rejected')
         THEN '[{"field": "goodsValue", "reason": "bulk reason"}]'::jsonb ELSE '[]'::jsonb END,
    100, t.at, t.at, t.at, NULL, t.at + interval '1 hour',
    %(agent)s, %(ebc)s, %(ebp)s, %(ebc)s, %(owner)s, %(agent)s
FROM generate_series(1, %(count)s) AS n
CROSS JOIN LATERAL (SELECT now() - %(spread)s * n / %(count)s AS at) t
CROSS JOIN LATERAL (SELECT CASE WHEN n %% %(error_every)s = 0 THEN 'returned'
    WHEN n %% 7 = 1 THEN 'stored' ELSE 'released' END AS status) s
"""

_REJECTIONS = """
INSERT INTO declarations_intakerejection (sender_id, kind, key, guid, reason, payload, created_at)
SELECT %(sender)s, 'order', %(tag)s || '-REJ-' || n, '', to_jsonb('2001: bulk'::text), '{}'::jsonb,
    now() - interval '1 minute' * n
FROM generate_series(1, %(count)s) AS n
"""


def bulk_lists(
    *, ebc, count, tag, agent=None, owner=None, ebp=None, days=30, error_every=10**9, rejections=0
) -> None:
    """``count`` lists of ``ebc`` received over the last ``days`` days, newest first by number.

    Every ``error_every``-th list is returned, one in seven is stored, the rest released; the
    agent (the sender) gets ``rejections`` entries refused at intake.
    """
    import datetime as dt

    agent, owner, ebp = agent or ebc, owner or ebc, ebp or ebc
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT,
            {
                "tag": tag,
                "count": count,
                "spread": dt.timedelta(days=days),
                "error_every": error_every,
                "agent": agent.pk,
                "ebc": ebc.pk,
                "ebp": ebp.pk,
                "owner": owner.pk,
            },
        )
        if rejections:
            cursor.execute(_REJECTIONS, {"sender": agent.pk, "tag": tag, "count": rejections})
