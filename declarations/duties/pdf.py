"""The payment receipt of a tax bill, rendered to PDF by WeasyPrint (nothing fetched)."""

import logging

from django.template.loader import render_to_string
from django.utils import translation

from declarations.summaries.pdf import _url_fetcher_class

from .models import TaxBill


def render_receipt_pdf(*, bill: TaxBill) -> bytes:
    import weasyprint

    form = bill.form
    context = {
        "bill": bill,
        "form": form,
        "inventory": form.inventory,
        "enterprise": form.enterprise,
        "lines": form.lines.order_by("gnum"),
    }
    with translation.override("zh-hans"):
        html = render_to_string("declarations/duties/receipt_pdf.html", context)
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=_url_fetcher_class()()).write_pdf()
