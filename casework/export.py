"""An admin list, as it is filtered and searched, to CSV or XLSX: the columns the page shows,
headed by their labels, statuses by their names and codes with their names.

CSV is streamed row by row (a million lists never sit in memory); XLSX is written in
openpyxl's write-only mode to a temporary file that is then streamed."""

import csv
import datetime as dt
import tempfile
from decimal import Decimal

from django.contrib.admin.utils import label_for_field, lookup_field
from django.db import models
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext

from customs_portal.code_tables.lookup import label as code_label

FORMATS = {"csv": "CSV", "xlsx": "XLSX"}
CHUNK = 2000

# Columns that hold a China Customs parameter code, shown with its name (customs_portal.code_tables)
CODE_TABLES = {
    "country": "country",
    "destination_country": "country",
    "currency": "currency",
    "traf_mode": "transport",
    "port_code": "customs",
    "unit": "unit",
    "unit1": "unit",
    "unit2": "unit",
    "trade_mode": "trade_mode",
}


def code_with_name(table: str, value) -> str:
    """ "502 US dollar": a China Customs code with its name; an unknown code with a mark."""
    return code_label(table, value)


def cell(model_admin, name: str, obj) -> object:
    """One cell as a person reads it (never a raw status value or a Python repr)."""
    field, attr, value = lookup_field(name, obj, model_admin)
    if field is not None:
        if getattr(field, "flatchoices", None):
            return str(dict(field.flatchoices).get(value, value if value not in (None, "") else ""))
        if field.name in CODE_TABLES and value:
            return code_with_name(CODE_TABLES[field.name], value)
        if isinstance(field, models.ForeignKey):
            return "" if value is None else str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, (dt.date, int, float, Decimal)):
        return value
    return strip_tags(str(value)).strip()


def columns(model_admin, changelist) -> list[tuple[str, str]]:
    # the page's own controls (the checkbox, "review" links) are not data
    skip = {"action_checkbox", *getattr(model_admin, "export_exclude", ())}
    names = [
        n for n in changelist.list_display if isinstance(n, str) and n not in skip and not n.endswith("_link")
    ]
    return [(n, strip_tags(str(label_for_field(n, model_admin.model, model_admin)))) for n in names]


def rows(model_admin, changelist, request):
    queryset = changelist.get_queryset(request)
    names = [n for n, _label in columns(model_admin, changelist)]
    for obj in queryset.iterator(chunk_size=CHUNK):
        yield [cell(model_admin, n, obj) for n in names]


def filename(model_admin, fmt: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{slugify(model_admin.model._meta.model_name)}-{stamp}.{fmt}"


class _Echo:
    def write(self, value):
        return value


def csv_response(model_admin, changelist, request) -> StreamingHttpResponse:
    def generate():
        writer = csv.writer(_Echo())
        yield "\ufeff"  # Excel opens UTF-8 (Chinese names) only with the byte-order mark
        yield writer.writerow([label for _n, label in columns(model_admin, changelist)])
        for row in rows(model_admin, changelist, request):
            yield writer.writerow(["" if v is None else v for v in row])

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(model_admin, "csv")}"'
    return response


def xlsx_response(model_admin, changelist, request) -> FileResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(model_admin.model._meta.verbose_name_plural)[:31])
    sheet.append([label for _n, label in columns(model_admin, changelist)])
    for row in rows(model_admin, changelist, request):
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename(model_admin, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
