"""The eight-same merge, A versus B, which lists count, the 50-line split, rebuilds and late departures."""

import datetime as dt
from decimal import Decimal

import pytest

from declarations.summaries.models import (
    SummaryForm,
    SummaryInventory,
    SummaryLine,
    SummaryStatistic,
    SummaryStatus,
)
from declarations.summaries.services import summaries_build_month, summary_month_build, summary_plan

from .factories import depart, line, listed

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


def build(ebc, month=OCT):
    return summary_month_build(enterprise=ebc, month=month)


def form_keys():
    return sorted(SummaryForm.objects.values_list("traf_mode", "owner_enterprise_id", "country", "port_code"))


def test_lists_that_agree_on_all_eight_fields_make_one_form_with_one_line(exporter):
    first = listed(exporter, goods=[line(qty="2", qty1="1.5", total="100")])
    second = listed(exporter, goods=[line(qty="3", qty1="2.25", total="150.50")])
    result = build(exporter)
    assert (result.forms, result.lines, result.inventories) == (1, 1, 2)
    form = SummaryForm.objects.get()
    assert (form.ebc_code, form.traf_mode, form.owner_code, form.country, form.port_code) == (
        exporter.customs_code, "5", exporter.customs_code, "502", "2244",
    )  # fmt: skip
    assert form.status == SummaryStatus.DRAFT and form.deadline == dt.date(2026, 11, 16)
    (only,) = form.lines.all()
    assert (only.gcode, only.destination_country, only.currency, only.unit1) == (
        "8518220000",
        "502",
        "142",
        "007",
    )
    assert (only.qty, only.qty1, only.total_price, only.inventory_count) == (
        Decimal("5"), Decimal("3.75"), Decimal("250.50"), 2,
    )  # fmt: skip
    assert set(form.inventory_links.values_list("inventory_id", flat=True)) == {first.pk, second.pk}
    assert (form.inventory_count, form.line_count, form.total_price) == (2, 1, Decimal("250.50"))


@pytest.mark.parametrize(
    "difference",
    ["traf_mode", "owner", "country", "port_code"],
)
def test_lists_that_differ_in_one_form_field_go_onto_separate_forms(exporter, enterprise_factory, difference):
    listed(exporter)
    other = {
        "traf_mode": {"traf_mode": "2"},
        "owner": {"owner": enterprise_factory(name="宁波制造有限公司")},
        "country": {"country": "303"},
        "port_code": {"port_code": "2201"},
    }[difference]
    listed(exporter, **other)
    result = build(exporter)
    assert (result.forms, result.lines, result.inventories) == (2, 2, 2)
    assert len(set(form_keys())) == 2
    assert all(form.line_count == 1 and form.inventory_count == 1 for form in SummaryForm.objects.all())


@pytest.mark.parametrize(
    "goods",
    [
        line(gcode="8518220001"),  # another 10-digit commodity code (same first eight digits)
        line(country="303"),  # another final destination country
        line(currency="502"),  # another currency
    ],
    ids=["gcode", "destination", "currency"],
)
def test_lists_that_differ_in_one_line_field_share_the_form_on_separate_lines(exporter, goods):
    listed(exporter)
    listed(exporter, goods=[goods])
    result = build(exporter)
    assert (result.forms, result.lines, result.inventories) == (1, 2, 2)
    assert list(SummaryLine.objects.values_list("line_no", "inventory_count")) == [(1, 1), (2, 1)]


def test_consignor_is_the_eighth_field_each_enterprise_builds_its_own_forms(exporter, other_enterprise):
    listed(exporter)
    listed(other_enterprise)
    assert build(exporter).forms == 1
    assert SummaryForm.objects.get().enterprise == exporter
    total = summaries_build_month(month=OCT)
    assert total.forms == 2 and SummaryForm.objects.count() == 2  # the exporter's form is kept as it was


def test_one_list_with_several_goods_adds_each_line_once_and_counts_the_list_once_per_line(exporter):
    listed(exporter, goods=[line(total="10"), line(total="20"), line(gcode="6109100022", total="5")])
    build(exporter)
    rows = list(
        SummaryLine.objects.order_by("line_no").values_list("gcode", "total_price", "inventory_count")
    )
    assert rows == [("6109100022", Decimal("5"), 1), ("8518220000", Decimal("30"), 1)]
    assert SummaryForm.objects.get().inventory_count == 1


def test_only_departed_lists_released_in_the_month_beijing_time_count(exporter):
    inside = [
        listed(exporter, released="2026-10-01 00:00"),
        listed(exporter, released="2026-10-31 23:59"),
    ]
    listed(exporter, released="2026-09-30 23:59")  # September
    listed(exporter, released="2026-11-01 00:00")  # November
    listed(exporter, status="released")  # not departed (yet)
    listed(exporter, status="cancelled")  # a cancellation never counts
    listed(exporter, status="under_review", released=None)
    listed(exporter, status="rejected", released=None)
    build(exporter)
    assert set(SummaryInventory.objects.values_list("inventory_id", flat=True)) == {i.pk for i in inside}


def test_a_lists_are_counted_in_statistics_and_never_put_on_a_form(exporter):
    b = listed(exporter)
    listed(
        exporter,
        flag="A",
        goods=[line(gcode="8517130000", total="120"), line(gcode="8517620000", total="30")],
    )
    listed(exporter, flag="A", goods=[line(gcode="8517130000", total="50")])
    listed(exporter, flag="A", goods=[line(gcode="8517130000", country="303", currency="300", total="9")])
    listed(exporter, flag="A", status="released", goods=[line(gcode="8517130000")])  # not departed
    result = build(exporter)
    assert (result.forms, result.inventories, result.statistics) == (1, 1, 2)
    assert list(SummaryInventory.objects.values_list("inventory_id", flat=True)) == [b.pk]
    rows = list(
        SummaryStatistic.objects.values_list("ebc_code", "hs4", "destination_country", "currency", "inventory_count", "total_price")
    )  # fmt: skip
    assert rows == [
        (exporter.customs_code, "8517", "303", "300", 1, Decimal("9")),
        (exporter.customs_code, "8517", "502", "142", 2, Decimal("200")),
    ]


def test_a_month_with_only_a_lists_has_statistics_and_no_form(exporter):
    listed(exporter, flag="A")
    result = build(exporter)
    assert (result.forms, result.statistics) == (0, 1)


def test_more_than_fifty_lines_are_split_over_forms_of_at_most_fifty_keeping_each_list_whole(exporter):
    # 60 lists, each with its own commodity code, and one list carrying two codes of the others
    lists = [listed(exporter, goods=[line(gcode=f"85182200{n:02d}", total="1")]) for n in range(60)]
    lists.append(
        listed(exporter, goods=[line(gcode="8518220000", total="1"), line(gcode="8518220059", total="1")])
    )
    result = build(exporter)
    forms = list(SummaryForm.objects.order_by("number"))
    assert len(forms) == result.forms == 2
    assert [f.line_count for f in forms] == [50, 11] or [f.line_count for f in forms] == [50, 10]
    assert all(f.line_count <= 50 for f in forms)
    assert [(f.part, f.parts) for f in forms] == [(1, 2), (2, 2)]
    # every list on exactly one form, every goods line counted exactly once
    assert SummaryInventory.objects.count() == 61 == sum(f.inventory_count for f in forms)
    assert sum(SummaryLine.objects.values_list("total_price", flat=True)) == Decimal(62)
    assert sum(f.total_price for f in forms) == Decimal(62)
    for form in forms:
        linked = set(form.inventory_links.values_list("inventory_id", flat=True))
        assert sum(form.lines.values_list("inventory_count", flat=True)) >= len(linked)


def test_exactly_fifty_lines_stay_on_one_form(exporter):
    for n in range(50):
        listed(exporter, goods=[line(gcode=f"61091000{n:02d}")])
    result = build(exporter)
    assert (result.forms, result.lines) == (1, 50)


def test_the_database_refuses_a_list_on_two_forms(exporter):
    from django.db import IntegrityError, transaction

    inventory = listed(exporter)
    build(exporter)
    form = SummaryForm.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        SummaryInventory.objects.create(form=form, inventory=inventory)


def test_the_plan_is_one_grouped_query_when_no_group_needs_splitting(exporter, django_assert_num_queries):
    for n in range(30):
        listed(exporter, goods=[line(gcode=f"61091000{n % 7:02d}", country=("502", "303")[n % 2]), line()])
    # the grouped query, and one indexed EXISTS: has a return of the month been accepted?
    with django_assert_num_queries(2):
        planned = summary_plan(enterprise_id=exporter.pk, month=OCT)
    assert len(planned) == 1 and len(planned[0].lines) == 14 + 1


def test_building_twice_changes_nothing(exporter):
    listed(exporter)
    listed(exporter, flag="A")
    first = build(exporter)
    ids = (
        list(SummaryForm.objects.values_list("pk", flat=True)),
        list(SummaryLine.objects.values_list("pk", flat=True)),
        list(SummaryInventory.objects.values_list("pk", flat=True)),
        list(SummaryStatistic.objects.values_list("pk", flat=True)),
    )
    second = build(exporter)
    assert second.unchanged and str(second) == str(first) == "forms 1, lines 1, inventories 1, statistics 1"
    assert ids == (
        list(SummaryForm.objects.values_list("pk", flat=True)),
        list(SummaryLine.objects.values_list("pk", flat=True)),
        list(SummaryInventory.objects.values_list("pk", flat=True)),
        list(SummaryStatistic.objects.values_list("pk", flat=True)),
    )


def test_a_rebuild_replaces_drafts_with_the_new_lists(exporter):
    listed(exporter)
    build(exporter)
    old = SummaryForm.objects.get()
    late = listed(exporter)  # a list released in October that the first build did not see
    result = build(exporter)
    assert (result.forms, result.inventories) == (1, 2)
    form = SummaryForm.objects.get()
    assert form.pk != old.pk and not form.additional
    assert late.pk in set(form.inventory_links.values_list("inventory_id", flat=True))


def test_a_rebuild_never_touches_a_submitted_form_and_late_departures_go_onto_an_additional_form(
    exporter, exporter_user
):
    from declarations.summaries.services import summary_form_submit

    listed(exporter)
    late = listed(exporter, status="released")  # released in October, departs in November
    build(exporter)
    submitted = summary_form_submit(form=SummaryForm.objects.get(), actor=exporter_user)
    snapshot = list(SummaryLine.objects.filter(form=submitted).values_list("total_price", "inventory_count"))

    assert build(exporter).forms == 0  # nothing new yet
    depart(late)
    result = build(exporter)
    assert (result.forms, result.inventories) == (1, 1)
    extra = SummaryForm.objects.exclude(pk=submitted.pk).get()
    assert extra.additional and extra.number == 2 and extra.status == SummaryStatus.DRAFT
    assert list(extra.inventory_links.values_list("inventory_id", flat=True)) == [late.pk]
    submitted = SummaryForm.objects.get(pk=submitted.pk)
    assert submitted.status == SummaryStatus.SUBMITTED and submitted.inventory_count == 1
    assert (
        list(SummaryLine.objects.filter(form=submitted).values_list("total_price", "inventory_count"))
        == snapshot
    )
    # and again: the additional draft is kept as it is
    assert build(exporter).unchanged


def test_returned_forms_are_kept_by_a_rebuild(exporter, exporter_user, reviewer):
    from declarations.summaries.services import summary_form_return, summary_form_submit

    listed(exporter)
    build(exporter)
    form = summary_form_submit(form=SummaryForm.objects.get(), actor=exporter_user)
    summary_form_return(form=form, actor=reviewer, reason="wrong port")
    assert build(exporter).forms == 0
    assert SummaryForm.objects.get().status == SummaryStatus.RETURNED


def test_building_every_enterprise_of_the_month(exporter, other_enterprise):
    listed(exporter)
    listed(other_enterprise)
    listed(other_enterprise, released="2026-09-10")
    result = summaries_build_month(month=OCT)
    assert (result.forms, result.inventories) == (2, 2)
    assert SummaryForm.objects.filter(month=OCT).count() == 2


def test_a_list_with_more_than_fifty_distinct_lines_is_refused_with_a_clear_error(exporter):
    from customs_portal.errors import ApplicationError

    listed(exporter, goods=[line(gcode=f"61091000{n:02d}") for n in range(51)])
    with pytest.raises(ApplicationError) as refused:
        build(exporter)
    assert refused.value.code == "inventory_too_many_lines"
    assert not SummaryForm.objects.exists()


def test_statistics_follow_a_lists_that_depart_later_and_drafts_stay(exporter):
    listed(exporter)
    late = listed(exporter, flag="A", status="released", goods=[line(gcode="8517130000", total="40")])
    build(exporter)
    form_ids = list(SummaryForm.objects.values_list("pk", flat=True))
    assert not SummaryStatistic.objects.exists()
    depart(late)
    result = build(exporter)
    assert result.unchanged and result.statistics == 1
    assert list(SummaryForm.objects.values_list("pk", flat=True)) == form_ids
    assert SummaryStatistic.objects.get().total_price == Decimal("40")
