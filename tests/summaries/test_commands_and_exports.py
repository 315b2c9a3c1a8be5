"""build_monthly_summaries, export_summaries (JSON, CSV), the beat task, CEB701 and the PDF."""

import csv
import datetime as dt
import io
import json
import logging
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from declarations.summaries.models import SummaryForm
from declarations.summaries.services import summary_form_submit, summary_month_build

from .factories import line, listed

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)
# the official 2022-05 schema, a verbatim copy of the specification's XSD (the service validates with it too)
SHARED_SCHEMA = (
    Path(__file__).resolve().parents[2] / "declarations" / "schema" / "cross-border-export-202205.xsd"
)


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_build_command_prints_the_counts_and_a_second_run_changes_nothing(exporter, other_enterprise):
    listed(exporter, goods=[line(), line(gcode="6109100022")])
    listed(exporter, flag="A")
    listed(other_enterprise)
    assert (
        run("build_monthly_summaries", "--month", "2026-10")
        == "forms 2, lines 3, inventories 2, statistics 1\n"
    )
    ids = list(SummaryForm.objects.values_list("pk", flat=True))
    assert (
        run("build_monthly_summaries", "--month", "2026-10")
        == "forms 2, lines 3, inventories 2, statistics 1\n"
    )
    assert list(SummaryForm.objects.values_list("pk", flat=True)) == ids
    out = run("build_monthly_summaries", "--month", "2026-10", "--enterprise", exporter.customs_code)
    assert out == "forms 1, lines 2, inventories 1, statistics 1\n"


def test_build_command_refuses_bad_arguments(exporter):
    with pytest.raises(CommandError):
        run("build_monthly_summaries", "--month", "October")
    with pytest.raises(CommandError):
        run("build_monthly_summaries", "--month", "2026-10", "--enterprise", "0000000000")


def test_beat_builds_the_month_before_on_the_first(exporter, settings):
    from declarations.summaries.tasks import build_previous_month_task

    listed(exporter)
    assert settings.CELERY_BEAT_SCHEDULE["build-monthly-summaries"]["task"] == build_previous_month_task.name
    schedule = settings.CELERY_BEAT_SCHEDULE["build-monthly-summaries"]["schedule"]
    assert schedule.day_of_month == {1}
    assert (
        build_previous_month_task.run(today="2026-11-01")
        == "2026-10: forms 1, lines 1, inventories 1, statistics 0"
    )
    assert SummaryForm.objects.get().month == OCT


def test_export_json_has_the_documented_shape(exporter):
    first = listed(exporter, goods=[line(qty="2", qty1="1.5", total="1234.5")])
    second = listed(exporter, goods=[line(qty="1", qty1="0.25", total="10")])
    listed(exporter, flag="A", goods=[line(gcode="8517130000", total="99.999")])
    summary_month_build(enterprise=exporter, month=OCT)
    data = json.loads(
        run(
            "export_summaries",
            "--month",
            "2026-10",
            "--enterprise",
            exporter.customs_code,
            "--format",
            "json",
        )
    )
    form = SummaryForm.objects.get()
    assert data == {
        "month": "2026-10",
        "deadline": "2026-11-16",
        "forms": [
            {
                "id": form.pk,
                "status": "draft",
                "ebcCode": exporter.customs_code,
                "trafMode": "5",
                "ownerCode": exporter.customs_code,
                "arrivalCountry": "502",
                "portCode": "2244",
                "inventoryCount": 2,
                "inventories": sorted([first.invt_no, second.invt_no]),
                "items": [
                    {
                        "gcode": "8518220000",
                        "destinationCountry": "502",
                        "currency": "142",
                        "qty": "3.000",
                        "qty1": "1.750",
                        "unit1": "007",
                        "totalPrice": "1244.50",
                        "inventoryCount": 2,
                    }
                ],
            }
        ],
        "statistics": [
            {
                "ebcCode": exporter.customs_code,
                "hs4": "8517",
                "destinationCountry": "502",
                "currency": "142",
                "inventoryCount": 1,
                "totalPrice": "100.00",
            }
        ],
    }


def test_export_csv_writes_one_row_per_line(exporter):
    listed(exporter, goods=[line(), line(gcode="6109100022", total="7.5")])
    summary_month_build(enterprise=exporter, month=OCT)
    rows = list(csv.DictReader(io.StringIO(run("export_summaries", "--month", "2026-10", "--format", "csv"))))
    assert [(r["gcode"], r["totalPrice"], r["inventoryCount"]) for r in rows] == [
        ("6109100022", "7.50", "1"),
        ("8518220000", "100.00", "1"),
    ]


def test_ceb701_of_a_submitted_form_passes_the_schema(exporter, exporter_user):
    from customs_portal.errors import ApplicationError
    from declarations.summaries.services import summary_form_ceb701

    inventories = [listed(exporter), listed(exporter)]
    summary_month_build(enterprise=exporter, month=OCT)
    form = SummaryForm.objects.get()
    with pytest.raises(ApplicationError):
        summary_form_ceb701(form=form)  # a draft is not declared
    form = summary_form_submit(form=form, actor=exporter_user)
    body = summary_form_ceb701(form=form)
    schema = etree.XMLSchema(etree.parse(str(SHARED_SCHEMA)))
    document = etree.fromstring(body)
    schema.assertValid(document)
    ns = {"ceb": "http://www.chinaport.gov.cn/ceb"}
    assert sorted(document.xpath("//ceb:SummaryApplyList/ceb:invtNo/text()", namespaces=ns)) == sorted(
        i.invt_no for i in inventories
    )
    assert document.xpath("string(//ceb:ebcCode)", namespaces=ns) == exporter.customs_code
    assert document.xpath("string(//ceb:ebcName)", namespaces=ns) == exporter.name


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_shows_the_enterprise_chinese_name_with_no_missing_glyph(exporter, caplog, capfd, tmp_path):
    for n in range(50):
        listed(exporter, goods=[line(gcode=f"61091000{n:02d}")])
    summary_month_build(enterprise=exporter, month=OCT)
    form = SummaryForm.objects.get()
    assert form.line_count == 50
    out = tmp_path / "form.pdf"
    with caplog.at_level(logging.WARNING):
        assert run("render_summary_pdf", str(form.pk), "--out", str(out)).strip() == str(out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    assert "杭州云购跨境电商有限公司" in text
    assert "出口货物报关单" in text and "6109100049" in text
    problems = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    problems += capfd.readouterr().err.splitlines()  # Pango/fontconfig write to stderr directly
    assert not [m for m in problems if "glyph" in m.lower() or "font" in m.lower()], problems
    from pypdf import PdfReader

    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(data)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("CJK" in name for name in fonts), fonts
    # one font for the whole form, the page numbers in the margin included: every other font is
    # subset again on every PDF (two more took a third of the rendering)
    assert len(fonts) == 1 and "Noto-Sans-CJK-SC" in fonts.pop(), fonts


def test_a_worker_warms_up_the_pdf_renderer_before_its_first_form():
    from declarations.summaries import pdf

    pdf.warm_up()  # what customs_portal.wsgi runs in the background when a web worker starts
    assert pdf._font_config is not None


def test_the_pdf_names_every_customs_code_from_the_code_tables(exporter):
    from declarations.summaries.pdf import render_summary_pdf

    listed(exporter, goods=[line(country="303", currency="300", unit1="035")])
    summary_month_build(enterprise=exporter, month=OCT)
    text = _pdf_text(render_summary_pdf(form=SummaryForm.objects.get()))
    for shown in (
        "2244 上海快件",
        "5 航空运输",
        "502 美国",
        "9610 电子商务",
        "303 英国",
        "300 欧元",
        "035 千克",
        "142 中国",
    ):
        assert shown in text, shown


def test_the_pdf_loads_nothing_from_outside():
    from declarations.summaries.pdf import _url_fetcher_class

    with pytest.raises(ValueError):
        _url_fetcher_class()().fetch("https://example.com/logo.png")
    with pytest.raises(ValueError):
        _url_fetcher_class()().fetch("file:///etc/passwd")


def test_render_summary_pdf_unknown_form(tmp_path):
    with pytest.raises(CommandError):
        run("render_summary_pdf", "999999", "--out", str(tmp_path / "nothing.pdf"))


def test_one_enterprise_that_cannot_be_built_does_not_stop_the_others(exporter, other_enterprise):
    listed(exporter, goods=[line(gcode=f"61091000{n:02d}") for n in range(51)])  # cannot fit one form
    listed(other_enterprise)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("build_monthly_summaries", "--month", "2026-10", stdout=out, stderr=err)
    assert out.getvalue() == "forms 1, lines 1, inventories 1, statistics 0\n"
    assert exporter.customs_code in err.getvalue()
    assert SummaryForm.objects.get().enterprise == other_enterprise
