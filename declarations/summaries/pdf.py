"""The summary form as an export goods declaration form, rendered to PDF by WeasyPrint.

Nothing is fetched from outside: the stylesheet is inline, the CJK font comes from the
system's fontconfig (fonts-noto-cjk), and the URL fetcher refuses every URL.
"""

import logging
import os
import threading

from django.db.models import Min
from django.template.loader import render_to_string
from django.utils import translation

from customs_portal.code_tables.lookup import label
from declarations.models import InventoryLine

from .models import SummaryForm

FORM_LANGUAGE = "zh-hans"  # the printed form is filed in Chinese, whatever the reader's language


class NoFetching(Exception):
    pass


def _url_fetcher_class():
    from weasyprint.urls import URLFetcher

    class RefuseEverything(URLFetcher):
        """Loads nothing: a form never pulls images, fonts or stylesheets from a URL."""

        def fetch(self, url, headers=None):
            raise ValueError(f"summary PDFs load nothing from outside (refused {url[:80]})")

    return RefuseEverything


def form_pdf_context(form: SummaryForm) -> dict:
    names = {
        (row["gcode"], row["country"], row["currency"]): row["name"]
        for row in InventoryLine.objects.filter(inventory__summary_link__form=form)
        .values("gcode", "country", "currency")
        .annotate(name=Min("gname"))
        .order_by()
    }
    lines = [
        {
            "line": line,
            "name": names.get((line.gcode, line.destination_country, line.currency), ""),
            "destination": label("country", line.destination_country, FORM_LANGUAGE),
            "currency": label("currency", line.currency, FORM_LANGUAGE),
            "unit1": label("unit", line.unit1, FORM_LANGUAGE),
        }
        for line in form.lines.order_by("line_no")
    ]
    return {
        "form": form,
        "enterprise": form.enterprise,
        "owner": form.owner_enterprise,
        "transport": label("transport", form.traf_mode, FORM_LANGUAGE),
        "arrival": label("country", form.country, FORM_LANGUAGE),
        "port": label("customs", form.port_code, FORM_LANGUAGE),
        # 9610: retail export, the one trade mode of a monthly summary form
        "trade_mode": label("trade_mode", "9610", FORM_LANGUAGE),
        "origin": label("country", "142", FORM_LANGUAGE),
        "lines": lines,
    }


# WeasyPrint's font configuration, made once per process: Pango keeps the fonts it has loaded
# (the 19 MB Noto Sans CJK collection) in it, so the process's later forms do not load them again.
_lock = threading.Lock()  # one render at a time per process (Pango's font map is not shared)
_font_config = None

WARM_UP_HTML = (
    "<html><body style=\"font-family: 'Noto Sans CJK SC'; font-size: 8.5pt\">"
    "<table><tr><td>中华人民共和国海关出口货物报关单 0123456789</td></tr></table></body></html>"
)


def _after_fork() -> None:
    # a forked child (gunicorn --preload) gets neither the parent's lock state nor its Pango
    # font map: it starts afresh
    global _lock, _font_config
    _lock = threading.Lock()
    _font_config = None


os.register_at_fork(after_in_child=_after_fork)


def _font_configuration():
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def warm_up() -> None:
    """Import WeasyPrint, load the CJK font and lay out and subset one line of it, so that the
    first form a worker renders does not pay for them (``customs_portal.wsgi`` calls this in the
    background when a web worker starts)."""
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    with _lock:
        weasyprint.HTML(string=WARM_UP_HTML, base_url=None, url_fetcher=_url_fetcher_class()()).write_pdf(
            font_config=_font_configuration()
        )


def render_summary_pdf(*, form: SummaryForm) -> bytes:
    """The PDF bytes of ``form``; the printed form is always in Chinese."""
    import weasyprint

    with translation.override(FORM_LANGUAGE):
        html = render_to_string("summaries/form_pdf.html", form_pdf_context(form))
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    with _lock:
        return weasyprint.HTML(string=html, base_url=None, url_fetcher=_url_fetcher_class()()).write_pdf(
            font_config=_font_configuration()
        )
