"""CEB213 return entries for tests (JSON-ready; ``ceb_builders.message("refund", ...)`` for XML)."""

import itertools

from tests.declarations.ceb_builders import guid

_seq = itertools.count(1)


def refund_entry(*, inventory, agent=None, lines=None, co_el_no=None, reason="Customer returned it", **head):
    """A return of ``inventory`` (all of it unless ``lines`` = [(gnum, qty), ...])."""
    agent = agent or inventory.agent_enterprise
    originals = {line.gnum: line for line in inventory.lines.all()}
    chosen = lines if lines is not None else [(gnum, line.qty) for gnum, line in originals.items()]
    entry = {
        "guid": guid(),
        "appType": "1",
        "appTime": "20261120101010",
        "appStatus": "2",
        "customsCode": "2244",
        "ebpCode": inventory.ebp_code,
        "ebpName": inventory.ebp_name[:100],
        "ebcCode": inventory.ebc_code,
        "ebcName": inventory.ebc_name[:100],
        "logisticsNo": f"RET-LN-{next(_seq)}",
        "logisticsCode": inventory.logistics_code,
        "logisticsName": inventory.logistics_name[:100],
        "coElNo": co_el_no or f"RET{next(_seq):08d}",
        "invtNo": inventory.invt_no,
        "agentCode": agent.customs_code,
        "agentName": agent.name[:100],
        "billNo": "BILL-1",
        "ieFlag": "I",
        "trafMode": "5",
        "trafName": "Plane",
        "portCode": "2244",
        "reason": reason,
        "country": "502",
        "voyageNo": "CA1234",
        "lines": [],
    }
    entry.update(head)
    for gnum, qty in chosen:
        original = originals.get(gnum)
        entry["lines"].append(
            {
                "gnum": gnum,
                "gcode": original.gcode if original else "8518220000",
                "gname": original.gname if original else "x",
                "gmodel": original.gmodel if original else "x",
                "qty": str(qty),
                "qty1": str(qty if original is None or original.qty == original.qty1 else original.qty1),
                "unit": original.unit if original else "007",
                "unit1": original.unit1 if original else "007",
            }
        )
    return entry
