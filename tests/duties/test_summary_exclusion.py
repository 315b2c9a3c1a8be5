"""A list declared on a duty form leaves the monthly summary; the other lists summarise as before."""

import datetime as dt
from decimal import Decimal

import pytest

from declarations.duties.models import DutyForm, DutyRate
from declarations.duties.services import duty_forms_open
from declarations.summaries.models import SummaryForm, SummaryInventory, SummaryStatistic
from declarations.summaries.services import summary_month_build
from tests.summaries.factories import line, listed

OCTOBER = dt.date(2026, 10, 1)


def snapshot(enterprise):
    forms = SummaryForm.objects.filter(enterprise=enterprise, month=OCTOBER).order_by("number")
    return {
        "forms": [(f.traf_mode, f.country, f.inventory_count, f.line_count, f.total_price) for f in forms],
        "lines": sorted(
            (
                ln.gcode,
                ln.destination_country,
                ln.currency,
                ln.qty,
                ln.qty1,
                ln.total_price,
                ln.inventory_count,
            )
            for f in forms
            for ln in f.lines.all()
        ),
        "statistics": sorted(
            SummaryStatistic.objects.filter(enterprise=enterprise, month=OCTOBER).values_list(
                "hs4", "destination_country", "currency", "inventory_count", "total_price"
            )
        ),
    }


def plain_month(ebc):
    """The month every enterprise has: B lists on two goods, an A list."""
    listed(ebc, goods=[line(total="100.10"), line(gcode="6109100000", total="33.33")])
    listed(ebc, goods=[line(total="200.05")], released="2026-10-31 23:59")
    listed(ebc, goods=[line(gcode="6109100000", total="12.34")], flag="A")


@pytest.mark.django_db
def test_duty_lists_leave_the_summary_and_the_other_lists_summarise_to_the_cent(enterprise_factory):
    DutyRate.objects.create(
        hs_prefix="720241", rate=Decimal("0.2"), effective_from=dt.date(2020, 1, 1), source="t"
    )
    without, with_duty = enterprise_factory(roles=("ecommerce",)), enterprise_factory(roles=("ecommerce",))
    plain_month(without)
    plain_month(with_duty)
    # tax-related lists of the second enterprise: a B list (sharing a goods code with the plain
    # lists) and an A list, each declared on a duty form at release
    duty_b = listed(with_duty, goods=[line(gcode="7202410000", total="1000"), line(total="5")])
    duty_a = listed(with_duty, goods=[line(gcode="7202410000", total="900")], flag="A")
    for inventory in (duty_b, duty_a):
        duty_forms_open(inventory_ids=[inventory.pk], released_at=inventory.released_at)
    assert DutyForm.objects.filter(inventory__in=[duty_b, duty_a]).count() == 2

    summary_month_build(enterprise=without, month=OCTOBER)
    summary_month_build(enterprise=with_duty, month=OCTOBER)

    expected = snapshot(without)
    assert expected["forms"] and expected["statistics"]
    assert snapshot(with_duty) == expected
    assert not SummaryInventory.objects.filter(inventory__in=[duty_b, duty_a]).exists()
    assert sum(f[4] for f in expected["forms"]) == Decimal("333.48")
    # a rebuild keeps it so (the drafts are kept when no list is left off a form)
    summary_month_build(enterprise=with_duty, month=OCTOBER)
    assert snapshot(with_duty) == expected


@pytest.mark.django_db
def test_month_preview_leaves_duty_lists_out(enterprise_factory):
    from declarations.summaries.services import summary_plan

    DutyRate.objects.create(
        hs_prefix="720241", rate=Decimal("0.2"), effective_from=dt.date(2020, 1, 1), source="t"
    )
    ebc = enterprise_factory(roles=("ecommerce",))
    listed(ebc, goods=[line(total="10")])
    duty = listed(ebc, goods=[line(gcode="7202410000", total="1000")])
    assert sum(p.total_price for p in summary_plan(enterprise_id=ebc.pk, month=OCTOBER)) == Decimal("1010")
    duty_forms_open(inventory_ids=[duty.pk], released_at=duty.released_at)
    assert sum(p.total_price for p in summary_plan(enterprise_id=ebc.pk, month=OCTOBER)) == Decimal("10")


@pytest.mark.django_db
def test_an_enterprise_whose_only_lists_are_duty_lists_owes_no_monthly_summary(enterprise_factory):
    from reminders.summary_reads import pending_summaries

    DutyRate.objects.create(
        hs_prefix="720241", rate=Decimal("0.2"), effective_from=dt.date(2020, 1, 1), source="t"
    )
    ebc = enterprise_factory(roles=("ecommerce",))
    duty = listed(ebc, goods=[line(gcode="7202410000", total="1000")])
    assert ebc.pk in dict(pending_summaries(period=OCTOBER))
    duty_forms_open(inventory_ids=[duty.pk], released_at=duty.released_at)
    assert ebc.pk not in dict(pending_summaries(period=OCTOBER))
