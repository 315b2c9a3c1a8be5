"""Every customs admin queue costs the same number of queries with 3 rows or 40, checks the
staff role once per request, counts its rows once, and estimates the count of a large table.

Signed in as a verified staff user of the role that works the queue (TOTP, as in production).
"""

import datetime as dt
import itertools
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db

_n = itertools.count(1)
EACH = object()  # a foreign key given a row of its own on each row (a unique or "differ" rule)

# (address, role, model whose rows the page lists, fields set on each row)
QUEUES = [
    ("/admin/registration/enterprise/", "reviewer", "registration.Enterprise", {}),
    ("/admin/registration/enterprise/queue/", "reviewer", "registration.Enterprise", {"status": "pending_review"}),
    ("/admin/registration/user/", "reviewer", "registration.User", {}),
    ("/admin/registration/enterpriseapikey/", "ops", "registration.EnterpriseAPIKey", {}),
    ("/admin/cooperation/annualreport/", "reviewer", "cooperation.AnnualReport", {}),
    ("/admin/cooperation/policynotice/", "reviewer", "cooperation.PolicyNotice", {}),
    ("/admin/cooperation/question/", "reviewer", "cooperation.Question", {}),
    ("/admin/authorization/authorization/", "reviewer", "authorization.Authorization", {"status": "under_review"}),
    ("/admin/authorization/authorizationchange/", "reviewer", "authorization.AuthorizationChange", {"status": "pending"}),
    ("/admin/declarations/goods/", "reviewer", "declarations.Goods", {}),
    ("/admin/declarations/receivedmessage/", "reviewer", "declarations.ReceivedMessage", {}),
    ("/admin/declarations/inventorycancelrequest/", "reviewer", "declarations.InventoryCancelRequest", {"inventory": EACH}),
    ("/admin/declarations/intakerejection/", "reviewer", "declarations.IntakeRejection", {}),
    ("/admin/summaries/summaryform/", "reviewer", "summaries.SummaryForm", {"status": "submitted", "month": dt.date(2026, 10, 1)}),
    ("/admin/summaries/summarystatistic/", "reviewer", "summaries.SummaryStatistic", {}),
    ("/admin/reminders/reminder/", "ops", "reminders.Reminder", {}),
    ("/admin/channels/riskrule/", "risk_officer", "channels.RiskRule", {}),
    ("/admin/channels/inspectionsetting/", "risk_officer", "channels.InspectionSetting", {}),
    ("/admin/channels/exchangerate/", "risk_officer", "channels.ExchangeRate", {}),
    ("/admin/channels/channeldecision/", "risk_officer", "channels.ChannelDecision", {}),
    ("/admin/channels/redlist/", "risk_officer", "declarations.Inventory", {"status": "under_review"}),
    ("/admin/channels/releasedlist/", "risk_officer", "declarations.Inventory", {"status": "released"}),
    ("/admin/duties/dutyrate/", "risk_officer", "duties.DutyRate", {}),
    ("/admin/duties/dutyform/", "reviewer", "duties.DutyForm", {}),
    ("/admin/duties/unpaidtaxbill/", "reviewer", "duties.TaxBill", {"form": EACH}),
    ("/admin/duties/paymentattempt/", "reviewer", "duties.PaymentAttempt", {}),
    ("/admin/duties/paymentcallback/", "reviewer", "duties.PaymentCallback", {}),
]  # fmt: skip


# What a model's own rules need beside distinct values (checked by its database constraints)
VALID = {
    "authorization.Authorization": {"agent": EACH, "valid_from": dt.date(2026, 1, 1), "valid_to": dt.date(2026, 12, 31)},
    "authorization.AuthorizationChange": {"authorization": EACH, "valid_from": dt.date(2026, 1, 1), "valid_to": dt.date(2026, 12, 31)},
    "registration.EnterpriseAPIKey": {"name": "platform"},
    "duties.DutyForm": {"inventory": EACH},
    "duties.TaxBill": {"paid_attempt": None},
}  # fmt: skip


class Rows:
    """Rows of any model, straight into the database: every required column gets a distinct
    plausible value, every foreign key (nullable ones too, so that their columns show) one
    shared row of its own."""

    def __init__(self):
        self.shared = {}

    def related(self, model):
        if model not in self.shared:
            self.shared[model] = self.make(model, 1)[0]
        return self.shared[model]

    def value(self, field, n):
        if field.choices:
            return field.choices[n % len(field.choices)][0]
        if isinstance(field, models.ForeignKey):
            return self.related(field.related_model)
        if isinstance(field, (models.BooleanField,)):
            return False
        if isinstance(field, (models.DateTimeField,)):
            return timezone.now() - dt.timedelta(minutes=n)
        if isinstance(field, models.DateField):
            return dt.date(2026, 1, 1) + dt.timedelta(days=n)
        if isinstance(field, models.DecimalField):
            return Decimal(1)
        if isinstance(field, (models.IntegerField,)):
            return n
        if isinstance(field, models.JSONField):
            return field.get_default() if field.has_default() else f"Q{n:09d}"
        if isinstance(field, (models.CharField, models.TextField)):
            text = f"Q{n:09d}"
            return text[-field.max_length :] if field.max_length else text
        if isinstance(field, models.FileField):
            return ""
        raise NotImplementedError(f"{field.model.__name__}.{field.name}")

    def make(self, model, count, **fixed):
        fixed = {**VALID.get(model._meta.label, {}), **fixed}
        rows = []
        for _ in range(count):
            n = next(_n)
            values = {}
            for field in model._meta.concrete_fields:
                if field.primary_key and not isinstance(field, models.AutoField):
                    values[field.attname] = f"key{n}"
                    continue
                if field.primary_key or (field.name in fixed and fixed[field.name] is not EACH):
                    continue
                if fixed.get(field.name) is EACH:
                    values[field.attname] = self.make(field.related_model, 1)[0].pk
                    continue
                has_default = field.has_default() or getattr(field, "auto_now", False)
                if isinstance(field, models.ForeignKey) or not (field.null or has_default):
                    values[field.attname if isinstance(field, models.ForeignKey) else field.name] = (
                        self.value(field, n).pk
                        if isinstance(field, models.ForeignKey)
                        else self.value(field, n)
                    )
            rows.append(model(**values, **{k: v for k, v in fixed.items() if v is not EACH}))
        return model.objects.bulk_create(rows)


def _is_role_check(sql: str) -> bool:
    """The staff-role lookup (a group by name), not Django's own read of the group permissions."""
    return '"auth_group"."name"' in sql and '"registration_user_groups"' in sql


def _page(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [q["sql"] for q in queries.captured_queries]


def _listed(response) -> int:
    if "cl" in response.context:
        return len(response.context["cl"].result_list)
    return len(response.context["page_obj"].object_list)


@pytest.mark.parametrize(("url", "role", "label", "fixed"), QUEUES, ids=[q[0] for q in QUEUES])
def test_an_admin_queue_costs_the_same_queries_with_3_or_40_rows(
    url, role, label, fixed, staff_factory, otp_client_factory, staff_groups
):
    from customs_portal.code_tables import lookup

    lookup.tables()  # the customs code tables are read once per process, not per page
    client = otp_client_factory(staff_factory(role))
    rows = Rows()
    model = apps.get_model(label)
    decisions = apps.get_model("channels.ChannelDecision")
    listed_already = _listed(_page(client, url)[0])  # the staff user is a user row too

    def add(count):
        made = rows.make(model, count, **fixed)
        if label == "declarations.Inventory":  # the channel queues show each list's latest decision
            for inventory in made:
                rows.make(decisions, 2, inventory=inventory)

    add(3)
    small, small_queries = _page(client, url)
    assert _listed(small) == listed_already + 3
    add(37)
    large, large_queries = _page(client, url)
    assert _listed(large) == listed_already + 40

    assert len(large_queries) == len(small_queries), "\n".join(large_queries)
    # the staff role is looked up once per request, not once per model and permission
    assert sum(map(_is_role_check, large_queries)) <= 1, [q for q in large_queries if _is_role_check(q)]
    # one count of the queue's rows per page, not a second one of the whole table
    table = model._meta.db_table
    counts = [q for q in large_queries if q.startswith("SELECT COUNT(*)") and f'FROM "{table}"' in q]
    assert len(counts) <= 1, counts
    assert len(large_queries) <= 14, "\n".join(large_queries)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "url", ["/admin/channels/releasedlist/", "/admin/declarations/inventorycancelrequest/"]
)
def test_a_large_queue_is_counted_from_the_planner_estimate(
    url, staff_factory, otp_client_factory, monkeypatch
):
    """Past the threshold the page reads the planner's estimate, never COUNT(*) over the table."""
    from customs_portal import admin_queues

    role = "risk_officer" if "/channels/" in url else "reviewer"
    client = otp_client_factory(staff_factory(role))
    rows = Rows()
    if "releasedlist" in url:
        model = apps.get_model("declarations.Inventory")
        rows.make(model, 60, status="released")
    else:
        model = apps.get_model("declarations.InventoryCancelRequest")
        rows.make(model, 60, inventory=EACH)
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    monkeypatch.setattr(admin_queues, "ESTIMATE_ABOVE", 20)

    response, queries = _page(client, url)
    table = model._meta.db_table
    assert not [q for q in queries if q.startswith("SELECT COUNT(*)") and f'FROM "{table}"' in q]
    assert response.context["cl"].paginator.estimated
    text = re.sub(r"\s+", " ", response.content.decode())
    assert re.search(r'class="paginator">.*≈ \d+ ', text)


def test_a_small_queue_is_counted_exactly(staff_factory, otp_client_factory):
    client = otp_client_factory(staff_factory("reviewer"))
    Rows().make(apps.get_model("declarations.InventoryCancelRequest"), 3, inventory=EACH)
    response, _queries = _page(client, "/admin/declarations/inventorycancelrequest/")
    assert response.context["cl"].result_count == 3
    assert not response.context["cl"].paginator.estimated


def _many_lists(count: int):
    """``count`` lists copied from one in SQL: 1% in the red channel, 10% released, the rest departed."""
    from declarations.models import Inventory

    template = Rows().make(Inventory, 1, status="departed")[0]
    columns = [f.column for f in Inventory._meta.concrete_fields if not f.primary_key]
    varied = {
        "guid": "lpad(n::text, 36, '0')",
        "cop_no": "'MANY-' || n",
        "invt_no": "'MANY' || n",
        "status": "CASE WHEN n %% 100 = 0 THEN 'under_review' WHEN n %% 10 = 0 THEN 'released' ELSE 'departed' END",
        "declared_at": "now() - n * interval '1 minute'",
        "released_at": "CASE WHEN n %% 100 = 0 THEN NULL ELSE now() - n * interval '1 minute' END",
    }
    select = ", ".join(varied.get(c, f'"{c}"') for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO declarations_inventory ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)}) "
            f"SELECT {select} FROM declarations_inventory, generate_series(1, %s) AS n WHERE id = %s",
            [count, template.pk],
        )
        cursor.execute("ANALYZE declarations_inventory")


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("url", "index"),
    [
        ("/admin/channels/redlist/", "inventory_red_queue_idx"),
        ("/admin/channels/releasedlist/", "inventory_released_queue_idx"),
    ],
)
def test_the_list_queues_read_their_own_index_not_the_whole_table(
    url, index, staff_factory, otp_client_factory
):
    _many_lists(30_000)
    client = otp_client_factory(staff_factory("risk_officer"))
    _response, queries = _page(client, url)
    reads = [q for q in queries if 'FROM "declarations_inventory"' in q and not q.startswith("EXPLAIN")]
    assert reads
    with connection.cursor() as cursor:
        for sql in reads:  # the page's rows, and its count when it is small enough to be exact
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert index in plan, plan
            assert "Seq Scan on declarations_inventory" not in plan, plan


def test_a_queue_row_checkbox_is_the_one_django_writes_without_a_template_per_row(
    staff_factory, otp_client_factory
):
    from django.contrib import admin
    from django.test.html import parse_html

    from declarations.models import Goods

    goods = Rows().make(Goods, 1)[0]
    model_admin = admin.site._registry[Goods]
    ours = model_admin.action_checkbox(goods)
    django_own = admin.ModelAdmin.action_checkbox(model_admin, goods)
    assert parse_html(ours) == parse_html(django_own)
    page = otp_client_factory(staff_factory("reviewer")).get("/admin/declarations/goods/")
    assert parse_html(ours) in parse_html(page.content.decode())
    # written directly, not through a form widget's template once per row
    assert "django/forms/widgets/checkbox.html" not in [t.name for t in page.templates]
