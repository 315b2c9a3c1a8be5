"""CEB792 summary result messages for tests, valid against the XSD (unless asked otherwise)."""

import uuid

from declarations.ceb import CEB_NS
from declarations.summaries.results import _application_guid


def result_message(*results, gseqno=True, message_guid=None) -> bytes:
    """``results``: (form, {"entryId": ..., "note": ..., "decState": ...}) pairs."""
    body = []
    for form, given in results:
        ebc = form.enterprise.customs_code
        fields = [
            ("guid", given.get("guid", _application_guid(form))),
            ("customsCode", "2244"),
            ("sumNo", "S20261116000000001"),
            ("opDate", given.get("opDate", "20261116101112012")),
            ("declSeqNo", "S20261116000000001"),
            ("entryId", given.get("entryId", "")),
            ("decState", given.get("decState", "A")),
            ("agentCode", ebc),
            ("agentName", form.enterprise.name[:100]),
            ("ebcCode", given.get("ebcCode", ebc)),
            ("ebcName", form.enterprise.name[:100]),
            ("declAgentCode", ebc),
            ("declAgentName", form.enterprise.name[:100]),
            ("grossWeight", "1.5"),
            ("netWeight", "1.2"),
            ("msgCount", "1"),
            ("msgSeqNo", "1"),
            ("note", given.get("note", "")),
        ]
        head = "".join(f"<ceb:{k}>{v}</ceb:{k}>" for k, v in fields if v)
        lines = []
        for n, link in enumerate(form.inventory_links.select_related("inventory"), start=1):
            inv = link.inventory
            seq = f"<ceb:gseqno>{n}</ceb:gseqno>" if gseqno else ""
            lines.append(
                f"<ceb:SummaryResultList><ceb:invtNo>{inv.invt_no}</ceb:invtNo><ceb:logisticsNo>{inv.logistics_no}"
                f"</ceb:logisticsNo>{seq}<ceb:gnum>1</ceb:gnum><ceb:gcode>8518220000</ceb:gcode></ceb:SummaryResultList>"
            )
        body.append(
            f"<ceb:SummaryResult><ceb:SummaryResultHead>{head}</ceb:SummaryResultHead>{''.join(lines)}</ceb:SummaryResult>"
        )
    guid = message_guid or str(uuid.uuid4()).upper()
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ceb:CEB792Message guid="{guid}" version="1.0" xmlns:ceb="{CEB_NS}">'
        f"{''.join(body)}</ceb:CEB792Message>"
    ).encode()
