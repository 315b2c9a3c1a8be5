"""Trade modes (贸易方式) of cross-border e-commerce export lists, and the rules tied to them.

The CEB603 InventoryHead carries ``tradeMode`` (required by the schema: "一般出口为9610,
特殊区域出口为1210/1239"), so a list's trade mode is always the one its message says.

- 9610 retail export: list check-and-release, then summary declaration (B) or, in a
  comprehensive pilot zone, summary statistics (A);
- 9710 B2B direct export and 9810 export to an overseas warehouse carry their own document
  (the B2B contract, the overseas warehouse's reference), which the CEB603 has no field for:
  the e-commerce enterprise records it on the list's page (``TradeDocument``);
- 1210 and 1239 bonded e-commerce leave a special customs supervision area or a bonded
  supervision place: summary statistics (A) are not allowed for them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from customs_portal import texts


class TradeMode(models.TextChoices):
    RETAIL = "9610", _("Cross-border e-commerce retail export")
    B2B_DIRECT = "9710", _("Cross-border e-commerce B2B direct export")
    OVERSEAS_WAREHOUSE = "9810", _("Cross-border e-commerce export to overseas warehouses")
    BONDED = "1210", _("Bonded cross-border e-commerce")
    BONDED_A = "1239", _("Bonded cross-border e-commerce A")


DEFAULT = TradeMode.RETAIL
# goods leaving a special customs supervision area or a bonded supervision place
FROM_SPECIAL_AREAS = frozenset({TradeMode.BONDED, TradeMode.BONDED_A})
# the modes whose lists carry a document of their own, and what it is
OWN_DOCUMENT = {
    TradeMode.B2B_DIRECT: _("B2B contract number"),
    TradeMode.OVERSEAS_WAREHOUSE: _("overseas warehouse reference"),
}
DOCUMENT_IDS = {
    TradeMode.B2B_DIRECT: texts.define("transit.document.contract", _("B2B contract number")),
    TradeMode.OVERSEAS_WAREHOUSE: texts.define(
        "transit.document.warehouse", _("overseas warehouse reference")
    ),
}


def label(code: str) -> str:
    """``"Cross-border e-commerce retail export (9610)"``; an unknown code as it is."""
    try:
        return f"{TradeMode(code).label} ({code})"
    except ValueError:
        return code
