"""The summaries demo: drafts of last month for the demo exporter, idempotent, skipped without it."""

import io

import pytest

from declarations.summaries import demo
from declarations.summaries.models import SummaryForm, SummaryStatistic

pytestmark = pytest.mark.django_db


def test_demo_builds_last_month_for_the_demo_exporter_and_changes_nothing_the_second_time(enterprise_factory):
    exporter = enterprise_factory(
        roles=("ecommerce", "owner"), customs_code="3100000002", name="杭州云购跨境电商有限公司"
    )
    out = io.StringIO()
    assert demo.seed(stdout=out) == []
    forms = list(
        SummaryForm.objects.filter(enterprise=exporter).values_list("pk", "line_count", "inventory_count")
    )
    assert len(forms) == 2 and sum(f[2] for f in forms) == 6
    (statistic,) = SummaryStatistic.objects.filter(enterprise=exporter)
    assert (statistic.hs4, statistic.inventory_count) == ("8517", 2)
    demo.seed(stdout=out)
    assert (
        list(
            SummaryForm.objects.filter(enterprise=exporter).values_list("pk", "line_count", "inventory_count")
        )
        == forms
    )
    assert "0 new lists" in out.getvalue().splitlines()[-1]


def test_demo_without_the_exporter_is_skipped_with_a_message():
    out = io.StringIO()
    assert demo.seed(stdout=out) == []
    assert "3100000002" in out.getvalue() and not SummaryForm.objects.exists()
