"""The month as data: the JSON of ``export_summaries``, its CSV lines, and the CEB701 message."""

import csv
import datetime as dt
import io
import uuid
from decimal import Decimal

from django.utils import timezone
from lxml import etree

from customs_portal.code_tables import lookup
from declarations import ceb

from .models import SummaryForm, SummaryLine, SummaryStatistic
from .services import summary_deadline

CEB_NS = "http://www.chinaport.gov.cn/ceb"
CSV_COLUMNS = [
    "form", "status", "ebcCode", "trafMode", "trafModeName", "ownerCode", "arrivalCountry",
    "arrivalCountryName", "portCode", "portCodeName", "line", "gcode", "destinationCountry",
    "destinationCountryName", "currency", "currencyName", "qty", "qty1", "unit1", "unit1Name",
    "totalPrice", "inventoryCount",
]  # fmt: skip
# each customs code column is followed by its name column (the reader's language): a person
# reading the sheet sees "303" and "英国" / "United Kingdom"


def _amount(value, places: int) -> str:
    return str(Decimal(value or 0).quantize(Decimal(1).scaleb(-places)))


def _deadline_text(month: dt.date) -> str | None:
    from customs_portal.workdays import CalendarYearUnknown

    try:
        return summary_deadline(month=month).isoformat()
    except CalendarYearUnknown:
        return None


def month_export(*, month: dt.date, enterprises) -> dict:
    """The month's forms and statistics of ``enterprises`` (a queryset or list), JSON-ready."""
    forms = list(
        SummaryForm.objects.filter(enterprise__in=enterprises, month=month).order_by(
            "enterprise_id", "number"
        )
    )
    lines: dict[int, list] = {}
    for line in SummaryLine.objects.filter(form__in=forms).order_by("form_id", "line_no"):
        lines.setdefault(line.form_id, []).append(line)
    invt: dict[int, list] = {}
    from .models import SummaryInventory

    for form_id, number in (
        SummaryInventory.objects.filter(form__in=forms)
        .order_by("inventory__invt_no")
        .values_list("form_id", "inventory__invt_no")
    ):
        invt.setdefault(form_id, []).append(number)
    statistics = SummaryStatistic.objects.filter(enterprise__in=enterprises, month=month).order_by(
        "enterprise_id", "ebc_code", "hs4", "destination_country", "currency"
    )
    return {
        "month": f"{month:%Y-%m}",
        "deadline": _deadline_text(month),
        "forms": [
            {
                "id": form.pk,
                "status": form.status,
                "ebcCode": form.ebc_code,
                "trafMode": form.traf_mode,
                "ownerCode": form.owner_code,
                "arrivalCountry": form.country,
                "portCode": form.port_code,
                "inventoryCount": form.inventory_count,
                "inventories": invt.get(form.pk, []),
                "items": [
                    {
                        "gcode": line.gcode,
                        "destinationCountry": line.destination_country,
                        "currency": line.currency,
                        "qty": _amount(line.qty, 3),
                        "qty1": _amount(line.qty1, 3),
                        "unit1": line.unit1,
                        "totalPrice": _amount(line.total_price, 2),
                        "inventoryCount": line.inventory_count,
                    }
                    for line in lines.get(form.pk, [])
                ],
            }
            for form in forms
        ],
        "statistics": [
            {
                "ebcCode": row.ebc_code,
                "hs4": row.hs4,
                "destinationCountry": row.destination_country,
                "currency": row.currency,
                "inventoryCount": row.inventory_count,
                "totalPrice": _amount(row.total_price, 2),
            }
            for row in statistics
        ],
    }


def _name(table: str, code) -> str:
    """The name of a code in the active language, or the unknown mark."""
    if not code:
        return ""
    return lookup.name(table, code) or lookup.UNKNOWN_MARK


def month_csv(data: dict) -> str:
    """The lines of ``month_export(...)`` as CSV, one row per goods line, header first; every
    customs code beside its name in the active language."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for form in data["forms"]:
        head = [form["id"], form["status"], form["ebcCode"]]
        head += [form["trafMode"], _name("transport", form["trafMode"]), form["ownerCode"]]
        head += [form["arrivalCountry"], _name("country", form["arrivalCountry"])]
        head += [form["portCode"], _name("customs", form["portCode"])]
        for no, item in enumerate(form["items"], start=1):
            writer.writerow(
                [*head, no, item["gcode"]]
                + [item["destinationCountry"], _name("country", item["destinationCountry"])]
                + [item["currency"], _name("currency", item["currency"]), item["qty"], item["qty1"]]
                + [item["unit1"], _name("unit", item["unit1"]), item["totalPrice"], item["inventoryCount"]]
            )
    return out.getvalue()


def _sub(parent, name: str, text: str | None = None):
    element = etree.SubElement(parent, f"{{{CEB_NS}}}{name}")
    if text is not None:
        element.text = text
    return element


def form_ceb701(*, form: SummaryForm) -> bytes:
    """A CEB701 summary application for one submitted form, valid against the 2022-05 schema.

    One SummaryApply per form; its lists are the form's inventories (invtNo). The declaring
    enterprise (declAgent) is whoever submitted it: the e-commerce enterprise or its broker.
    """
    enterprise = form.enterprise
    declarer = form.submitted_by or enterprise
    ebc_code = (enterprise.customs_code or enterprise.uscc)[:18]
    decl_code = (declarer.customs_code or declarer.uscc)[:18]
    invt_numbers = list(
        form.inventory_links.order_by("inventory__invt_no").values_list("inventory__invt_no", flat=True)
    )
    customs_code = (
        form.inventory_links.values_list("inventory__customs_code", flat=True).first() or form.port_code
    )
    stamp = timezone.localtime(form.submitted_at or timezone.now()).strftime("%Y%m%d%H%M%S")
    root = etree.Element(f"{{{CEB_NS}}}CEB701Message", nsmap={"ceb": CEB_NS})
    root.set("guid", str(uuid.uuid4()).upper())
    root.set("version", "1.0")
    apply = _sub(root, "SummaryApply")
    head = _sub(apply, "SummaryApplyHead")
    _sub(head, "guid", str(uuid.uuid5(uuid.NAMESPACE_URL, f"summaryform:{form.pk}")).upper())
    _sub(head, "appType", "1")
    _sub(head, "appTime", stamp)
    _sub(head, "appStatus", "2")
    _sub(head, "customsCode", customs_code[:4])
    _sub(head, "copNo", f"S{form.month:%Y%m}{form.enterprise_id:06d}{form.number:04d}"[:30])
    if form.declaration_no:
        _sub(head, "sumNo", form.declaration_no)
    _sub(head, "agentCode", decl_code)
    _sub(head, "agentName", declarer.name[:100])
    _sub(head, "ebcCode", ebc_code)
    _sub(head, "ebcName", enterprise.name[:100])
    _sub(head, "declAgentCode", decl_code)
    _sub(head, "declAgentName", declarer.name[:100])
    _sub(head, "summaryFlag", "1")
    _sub(head, "itemNameFlag", "1")
    _sub(head, "msgCount", "1")
    _sub(head, "msgSeqNo", "1")
    for number in invt_numbers:
        _sub(_sub(apply, "SummaryApplyList"), "invtNo", number)
    transfer = _sub(root, "BaseTransfer")
    _sub(transfer, "copCode", decl_code)
    _sub(transfer, "copName", declarer.name[:100])
    _sub(transfer, "dxpMode", "DXP")
    _sub(transfer, "dxpId", f"DXPENT{decl_code}"[:30])
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    ceb.get_schema().assertValid(etree.fromstring(body))
    return body
