"""``{{ value|customs_code:"country" }}``: a customs code with its name in the reader's language
("303 英国" / "303 United Kingdom"). A code the tables do not hold shows the code and a mark
("999 ?", titled "Unknown code"), never an error; no code shows nothing.

Tables: country, currency, transport, customs, unit, trade_mode (``customs_portal.code_tables``).
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from customs_portal.code_tables import lookup

register = template.Library()


@register.filter(name="customs_code")
def customs_code(value, table: str):
    code = "" if value is None else str(value).strip()
    if not code:
        return ""
    if lookup.known(table, code):
        return lookup.label(table, code)
    return format_html(
        '<span class="code-unknown" title="{}">{} {}</span>',
        gettext("Unknown code"),
        code,
        lookup.UNKNOWN_MARK,
    )
