"""The monthly summary form's PDF, cold (a fresh process) and warm, beside a raw query and the HTML.

Not a test. Run on PostgreSQL (a database of its own: the script migrates it, builds a month of
``--lines`` inventory lines with ``bench/summaries.py``'s helpers the first time, and keeps them):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/p_summary_pdf python bench/summary_pdf.py [--runs 3]

Each run is a fresh Python process, as a new gunicorn or Celery worker is: it sets Django up, then
times, in order, a raw query (the baseline), the form's HTML alone, ``import weasyprint``, the
first PDF (cold: fonts found, stylesheet parsed, the CJK font subset) and a second PDF of the same
form (warm), each in wall and in CPU time (on a shared machine the CPU time is the steadier
figure). The form is the month's largest (most goods lines). The script prints each phase's
median over ``--runs`` processes; "first PDF" is what the first trader to download a form in a
fresh worker waits for, unless the worker warmed up when it started
(``declarations.summaries.pdf.warm_up``, which the script also times when it is there).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings")

CHILD = r"""
import json, os, sys, time
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings")
import django
django.setup()
from django.db import connection
from django.template.loader import render_to_string
from django.utils import translation
from declarations.summaries import pdf
from declarations.summaries.models import SummaryForm

out = {}
def timed(name, function):
    started, cpu = time.perf_counter(), time.process_time()
    value = function()
    out[name] = time.perf_counter() - started
    out[name + " (CPU)"] = time.process_time() - cpu
    return value

form_id = int(sys.argv[1])
def raw():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM summaries_summaryline WHERE form_id = %s", [form_id])
        return cursor.fetchone()
timed("raw query", raw)
form = SummaryForm.objects.get(pk=form_id)
def html():
    with translation.override("zh-hans"):
        return render_to_string("summaries/form_pdf.html", pdf.form_pdf_context(form))
timed("form HTML (template)", html)
warm_up = getattr(pdf, "warm_up", None)
if warm_up is not None and "--warm" in sys.argv:
    timed("worker warm-up (at start)", warm_up)
timed("import weasyprint", lambda: __import__("weasyprint"))
size = len(timed("first PDF", lambda: pdf.render_summary_pdf(form=form)))
timed("second PDF", lambda: pdf.render_summary_pdf(form=form))
out["bytes"] = size
print(json.dumps(out))
"""


def ensure_form(lines: int) -> tuple[int, int]:
    """The id and line count of the largest form of the bench month (built the first time)."""
    from summaries import MONTH, enterprises, make_data

    from declarations.summaries.models import SummaryForm
    from declarations.summaries.services import summaries_build_month

    sellers, owner = enterprises(1)
    form = SummaryForm.objects.filter(enterprise=sellers[0]).order_by("-line_count").first()
    if form is None:
        make_data(sellers, owner, lines, 25)
        summaries_build_month(month=MONTH, enterprise=sellers[0])
        form = SummaryForm.objects.filter(enterprise=sellers[0]).order_by("-line_count").first()
    return form.pk, form.line_count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--warm", action="store_true", help="call pdf.warm_up() first, as a worker does")
    args = parser.parse_args()
    from summaries import setup_django

    setup_django()
    form_id, line_count = ensure_form(args.lines)
    print(f"form {form_id}: {line_count} goods lines; {args.runs} fresh processes")
    runs = []
    for _ in range(args.runs):
        result = subprocess.run(
            [sys.executable, "-c", CHILD, str(form_id), *(["--warm"] if args.warm else [])],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=170,
            env={k: v for k, v in os.environ.items() if k != "PORTAL_TESTING"},
        )
        if result.returncode:
            raise SystemExit(result.stderr[-3000:])
        runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    for name in runs[0]:
        if name == "bytes":
            continue
        values = [run[name] for run in runs]
        print(
            f"  {name:<28} median {statistics.median(values) * 1000:8.1f} ms   ({', '.join(f'{v * 1000:.0f}' for v in values)})"
        )
    first = statistics.median(run["first PDF"] for run in runs)
    cold = first + statistics.median(run["import weasyprint"] for run in runs)
    cold_cpu = statistics.median(run["first PDF (CPU)"] + run["import weasyprint (CPU)"] for run in runs)
    print(
        f"  PDF size {runs[0]['bytes'] / 1024:.0f} KB; cold (import + first PDF) {cold * 1000:.0f} ms"
        f" ({cold_cpu * 1000:.0f} ms CPU); first PDF / raw query {first / statistics.median(run['raw query'] for run in runs):.0f}x"
    )


if __name__ == "__main__":
    main()
