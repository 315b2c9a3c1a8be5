"""Readable names for the fields of the CEB messages (GB/T customs cross-border e-commerce
schema), so that a reason names "Line 1: commodity code", never ``lines[1].gcode``.

A field path is the intake's and the comparison's own address of a value (``orderNo``,
``lines[2].itemNo``): it stays as it is in the API and in what is stored; pages show it
through ``field_path_label``. A name this table does not know is shown as it is.
"""

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

LABELS = {
    "agentCode": _("declaring agent code"),
    "agentName": _("declaring agent"),
    "appStatus": _("business status"),
    "appTime": _("declaration time"),
    "appType": _("declaration type"),
    "barCode": _("bar code"),
    "billNo": _("bill of lading number"),
    "charge": _("amount paid"),
    "copNo": _("enterprise internal number"),
    "country": _("country of arrival"),
    "currency": _("currency"),
    "customsCode": _("declaring customs"),
    "ebcCode": _("e-commerce enterprise code"),
    "ebcName": _("e-commerce enterprise"),
    "ebpCode": _("e-commerce platform code"),
    "ebpName": _("e-commerce platform"),
    "freight": _("freight"),
    "gcode": _("commodity code"),
    "gmodel": _("specification and model"),
    "gname": _("commodity name"),
    "gnum": _("line number"),
    "goodsValue": _("goods value"),
    "grossWeight": _("gross weight"),
    "guid": _("message identifier"),
    "ieDate": _("export date"),
    "insuredFee": _("insurance fee"),
    "invtNo": _("declaration list number"),
    "itemName": _("item name"),
    "itemNo": _("item number"),
    "itemRecordNo": _("item record number"),
    "licenseNo": _("licence number"),
    "logisticsCode": _("logistics enterprise code"),
    "logisticsName": _("logistics enterprise"),
    "logisticsNo": _("waybill number"),
    "netWeight": _("net weight"),
    "note": _("note"),
    "orderNo": _("order number"),
    "ownerCode": _("production and sales unit code"),
    "ownerName": _("production and sales unit"),
    "packNo": _("number of packages"),
    "payCode": _("payment enterprise code"),
    "payNo": _("payment transaction number"),
    "portCode": _("exit customs"),
    "price": _("unit price"),
    "qty": _("declared quantity"),
    "qty1": _("legal quantity"),
    "statisticsFlag": _("statistics flag"),
    "totalPrice": _("total value"),
    "tradeMode": _("trade mode"),
    "trafMode": _("transport mode"),
    "trafName": _("means of transport"),
    "unit": _("unit"),
    "unit1": _("legal unit"),
    "voyageNo": _("voyage number"),
    "wrapType": _("packaging type"),
}

LINE = re.compile(r"^lines\[(\d+)\](?:\.(\w+))?$")


def field_path_label(path: str) -> str:
    """``lines[1].gcode`` → "Line 1: commodity code", ``orderNo`` → "order number"."""
    path = str(path or "")
    match = LINE.match(path)
    if match:
        line, name = match.groups()
        if not name:
            return gettext("Line %(line)s") % {"line": line}
        return gettext("Line %(line)s: %(field)s") % {"line": line, "field": LABELS.get(name, name)}
    label = LABELS.get(path)
    return str(label)[:1].upper() + str(label)[1:] if label is not None else path
