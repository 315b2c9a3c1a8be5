"""The published OpenAPI schema tells the truth: generated requests against every operation
get only documented statuses, in documented shapes and media types, and never a 5xx.

Schemathesis reads the schema the portal serves (``/api/v1/schema/``) and sends generated
requests through Django's WSGI application, authenticated with an approved enterprise's API
key, on PostgreSQL: requests that fit the schema, requests that break it, and, for the
operations on one record, requests naming records the enterprise really has. Each operation
gets a bounded number of examples (derandomized: the same cases every run) to stay short.
"""

import datetime as dt
import time

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from authorization.models import Authorization
from declarations.models import Goods
from declarations.summaries.models import SummaryForm
from declarations.summaries.services import summary_month_build

from ..declarations.inventory_rows import make_inventory
from ..summaries.factories import listed

EXAMPLES = 20  # per operation and generation mode
REFUSED_EXAMPLES = 3  # per operation, for the callers refused before the view runs
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OCT = dt.date(2026, 10, 1)


@pytest.fixture
def wsgi_app(db):
    """Django's own WSGI application, kept inside the test's transaction (as Django's test
    client does: closing "old" connections at each request would end the transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _authorization(principal, agent) -> Authorization:
    data = {"principal": principal, "agent": agent, "scope": "export", "initiated_by": "principal"}
    data["valid_from"], data["valid_to"] = dt.date(2026, 1, 1), dt.date(2027, 12, 31)
    for side, party in (("principal", principal), ("agent", agent)):
        for field in ("name", "uscc", "contact_name", "contact_phone", "contact_email"):
            data[f"{side}_{field}"] = getattr(party, field)
    authorization = Authorization(**data)
    authorization.__dict__["status"] = "approved"  # protected FSM field: set once, at creation
    authorization.save()
    return authorization


@pytest.fixture
def seeded(enterprise_factory, api_key_factory):
    """An approved enterprise in every role, with goods, an authorization, a monthly summary
    form, and lists before and after declaration (a stored list has null numbers and dates)."""
    enterprise = enterprise_factory(
        roles=("platform", "ecommerce", "owner", "broker", "logistics", "payment")
    )
    goods = Goods.objects.create(
        enterprise=enterprise, item_no="SKU-1", name="Tea", gcode="0902109000", unit="035", unit1="035"
    )
    make_inventory(ebc=enterprise, status="stored")
    listed(enterprise)  # released and departed in October
    summary_month_build(enterprise=enterprise, month=OCT)
    ids = {
        "/api/v1/goods/{id}/": goods.pk,
        "/api/v1/authorizations/{id}/": _authorization(enterprise, enterprise_factory(roles=("broker",))).pk,
    }
    form = SummaryForm.objects.get(enterprise=enterprise)
    for path in ("", "ceb701/", "submit/", "resubmit/"):
        ids[f"/api/v1/summaries/forms/{{id}}/{path}"] = form.pk
    unapproved = enterprise_factory(roles=("platform",), approved=False)
    return {"key": api_key_factory(enterprise), "unapproved_key": api_key_factory(unapproved), "ids": ids}


def _run(strategy, headers: dict, examples: int) -> None:
    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # each case in a savepoint, rolled back: cases do not see each other's writes
        savepoint = transaction.savepoint()
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        finally:
            transaction.savepoint_rollback(savepoint)

    run()


def test_every_operation_answers_only_as_its_schema_documents(wsgi_app, seeded):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app)
    approved = {"Authorization": f"Api-Key {seeded['key']}", "Accept-Language": "en"}
    callers = {
        "anonymous": {"Accept-Language": "en"},  # 401
        "not approved": {"Authorization": f"Api-Key {seeded['unapproved_key']}"},  # 403
        "a revoked key": {"Authorization": "Api-Key nope.nope"},  # 401
    }
    failures, runs, operations = [], 0, 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        strategies = [(mode, operation.as_strategy(mode), approved, EXAMPLES) for mode in GenerationMode]
        if operation.path in seeded["ids"]:
            strategy = operation.as_strategy(path_parameters={"id": seeded["ids"][operation.path]})
            strategies.append(("positive, a real record", strategy, approved, EXAMPLES))
        for caller, headers in callers.items():
            strategies.append((caller, operation.as_strategy(), headers, REFUSED_EXAMPLES))
        for label, strategy, headers, examples in strategies:
            runs += 1
            try:
                _run(strategy, headers, examples)
            except BaseException as exc:  # noqa: B036 (schemathesis raises a BaseExceptionGroup)
                if isinstance(exc, KeyboardInterrupt):
                    raise
                failures.append(f"{operation.method.upper()} {operation.path} ({label}): {exc}")
    print(f"schemathesis: {operations} operations, {runs} runs in {time.monotonic() - started:.1f} s")
    assert operations >= 21, "the schema lost operations"
    assert not failures, "\n\n".join(failures)
