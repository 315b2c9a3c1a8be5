"""Everything that writes monthly summaries: the build, the deadline, the form's lifecycle."""

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customs_portal import texts
from customs_portal.errors import ApplicationError
from customs_portal.fsm import run_transition
from customs_portal.permissions import user_has_staff_role
from customs_portal.workdays import CalendarYearUnknown, WorkdayCalendar
from declarations.models import Inventory, InventoryLine, InventoryStatus
from registration.models import Enterprise

from . import merge
from .models import (
    SummaryForm,
    SummaryFormHistory,
    SummaryInventory,
    SummaryLine,
    SummaryStatistic,
    SummaryStatus,
    next_month,
)

BEIJING = ZoneInfo("Asia/Shanghai")  # customs months are Beijing time, whatever the server runs
DEADLINE_DAY = 15  # lists of month M are due by the 15th of M+1 (domain item 7)
DECLARATION_NO = re.compile(r"^\d{18}$")
# Set for the build's transaction only (one build per enterprise at a time). The month's
# grouping is one big join and sort over every goods line: the sort is kept in memory, and
# parallel workers are made cheap enough that PostgreSQL splits the join and the sort (its
# default costs keep a few hundred thousand lines on one core; about a fifth faster on 2 cores).
BUILD_SETTINGS = {"work_mem": "64MB", "parallel_setup_cost": "100", "parallel_tuple_cost": "0.001"}
BUILD_LOCK_CLASS = 7001  # pg advisory lock namespace: one build per enterprise at a time


# --- months and deadlines ----------------------------------------------------------------
def parse_month(value: str) -> dt.date:
    """'YYYY-MM' → the first day of that month; ApplicationError otherwise."""
    try:
        return dt.datetime.strptime((value or "").strip(), "%Y-%m").date()
    except ValueError:
        raise ApplicationError(
            "invalid_month", _("Give the month as YYYY-MM, for example 2026-01."), field="month"
        )


def previous_month(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def summary_deadline(*, month: dt.date, calendar: WorkdayCalendar | None = None) -> dt.date:
    """The 15th of the next month, or the first working day after it (official calendar).

    Raises CalendarYearUnknown for a year whose official schedule is not known.
    """
    due = next_month(month).replace(day=DEADLINE_DAY)
    return (calendar or WorkdayCalendar()).first_workday_on_or_after(due)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(month, dt.time.min, tzinfo=BEIJING)
    return start, dt.datetime.combine(next_month(month), dt.time.min, tzinfo=BEIJING)


def _month_inventories(*, enterprise_id: int, month: dt.date):
    """The month's departed lists of one consignor: released in the month (Beijing time)."""
    start, end = month_bounds(month)
    return Inventory.objects.filter(
        ebc_enterprise_id=enterprise_id,
        status=InventoryStatus.DEPARTED,
        released_at__gte=start,
        released_at__lt=end,
    )


def _unsummarised_lines(*, enterprise_id: int, month: dt.date, any_summarised: bool = True):
    """The goods lines of the month's departed B lists that are on no form yet.

    A list belongs to the month it was released in, so when the month has no form left (no
    submitted form, drafts deleted) none of its lists can be on a form and the anti-join on
    the links is skipped (``any_summarised=False``): the build's hot query stays a plain join.
    """
    start, end = month_bounds(month)
    lines = InventoryLine.objects.filter(
        inventory__ebc_enterprise_id=enterprise_id,
        inventory__status=InventoryStatus.DEPARTED,
        inventory__released_at__gte=start,
        inventory__released_at__lt=end,
        inventory__statistics_flag="B",  # B: summary declaration; A only counts in statistics
    )
    lines = _not_on_duty_forms(lines)
    return lines.filter(inventory__summary_link__isnull=True) if any_summarised else lines


def _not_on_duty_forms(lines):
    """Tax-related goods are not summarised (nor counted in statistics): a list declared on a
    duty form of its own at release is left out. An anti-join on the (small) duty forms table,
    in the same query."""
    from declarations.duties.models import DutyForm

    return lines.filter(~Exists(DutyForm.objects.filter(inventory_id=OuterRef("inventory_id"))))


_SUMS = {
    "qty": Sum("qty"),
    "qty1": Sum("qty1"),
    "total": Sum("total_price"),
    "unit1": Max("unit1"),
}
# the same, for a month with accepted returns: what is left of each line (declarations.returns)
_NET_SUMS = {
    "qty": Sum("net_qty"),
    "qty1": Sum("net_qty1"),
    "total": Sum("net_total"),
    "unit1": Max("unit1"),
}


def _returns_of_month(*, enterprise_id: int, month: dt.date) -> list[int] | None:
    """None when no return of the month was accepted (the month aggregates as it always did);
    else the lists returned in whole (they are on no form)."""
    from declarations.returns import selectors as returns

    if not returns.month_has_returns(enterprise_id=enterprise_id, month=month):
        return None
    return returns.fully_returned_ids(enterprise_id=enterprise_id, month=month)


def summary_plan(
    *, enterprise_id: int, month: dt.date, any_summarised: bool = True
) -> list[merge.PlannedForm]:
    """The forms the month's unsummarised B lists make, without saving anything.

    One grouped query over the lines; groups of more than 50 line keys are split by whole
    lists, which needs a second query for those groups only.
    """
    lines = _unsummarised_lines(enterprise_id=enterprise_id, month=month, any_summarised=any_summarised)
    sums = _SUMS
    if _returns_of_month(enterprise_id=enterprise_id, month=month) is not None:
        from declarations.returns.selectors import net_of_returns

        lines, sums = net_of_returns(lines), _NET_SUMS
    rows = (
        lines.values(*merge.FORM_FIELDS, *merge.LINE_FIELDS)
        .annotate(**sums, inventories=Count("inventory_id", distinct=True))
        .order_by()
    )
    planned: list[merge.PlannedForm] = []
    for key, form_lines in merge.group_lines(rows).items():
        if len(form_lines) <= merge.MAX_LINES_PER_FORM:
            planned.append(merge.PlannedForm(key=key, lines=form_lines))
            continue
        traf_mode, owner_id, country, port_code = key
        per_inventory = list(
            lines.filter(
                inventory__traf_mode=traf_mode,
                inventory__owner_enterprise_id=owner_id,
                inventory__country=country,
                inventory__port_code=port_code,
            )
            .values("inventory_id", *merge.LINE_FIELDS)
            .annotate(**sums, inventories=Count("inventory_id"))
            .order_by()
        )
        parts = merge.split_inventories(per_inventory)
        for number, part in enumerate(parts, start=1):
            ids = set(part.inventory_ids)
            planned.append(
                merge.PlannedForm(
                    key=key,
                    lines=merge.sum_part_lines(per_inventory, ids),
                    part=number,
                    parts=len(parts),
                    inventory_ids=sorted(ids),
                    inventory_count=len(ids),
                )
            )
    return planned


@dataclass
class BuildResult:
    forms: int = 0
    lines: int = 0
    inventories: int = 0
    statistics: int = 0
    unchanged: bool = False
    # enterprises whose month could not be built: (customs code, message); the others are built
    errors: list = field(default_factory=list)

    def __add__(self, other: "BuildResult") -> "BuildResult":
        return BuildResult(
            self.forms + other.forms,
            self.lines + other.lines,
            self.inventories + other.inventories,
            self.statistics + other.statistics,
            self.unchanged and other.unchanged,
            self.errors + other.errors,
        )

    def __str__(self) -> str:
        return f"forms {self.forms}, lines {self.lines}, inventories {self.inventories}, statistics {self.statistics}"


_LINK_SQL = """
INSERT INTO summaries_summaryinventory (form_id, inventory_id)
SELECT f.id, i.id
FROM declarations_inventory i
JOIN summaries_summaryform f
  ON f.traf_mode = i.traf_mode AND f.owner_enterprise_id = i.owner_enterprise_id
 AND f.country = i.country AND f.port_code = i.port_code
WHERE f.id IN ({ids})
  AND i.ebc_enterprise_id = %s AND i.status = %s AND i.statistics_flag = 'B'
  AND i.released_at >= %s AND i.released_at < %s
"""
_LINK_NOT_DUTY_SQL = "  AND NOT EXISTS (SELECT 1 FROM duties_dutyform d WHERE d.inventory_id = i.id)\n"
_LINK_UNSUMMARISED_SQL = (
    "  AND NOT EXISTS (SELECT 1 FROM summaries_summaryinventory s WHERE s.inventory_id = i.id)\n"
)


def _party_code(enterprise: Enterprise) -> str:
    return enterprise.customs_code or enterprise.uscc


def _safe_deadline(month: dt.date) -> dt.date | None:
    try:
        return summary_deadline(month=month)
    except CalendarYearUnknown:
        return None  # shown as "calendar not known yet"; a deadline is never guessed


def build_settings_apply(cursor) -> None:
    """BUILD_SETTINGS for the rest of the cursor's transaction, in one statement (PostgreSQL)."""
    calls = ", ".join("set_config(%s, %s, true)" for _ in BUILD_SETTINGS)
    cursor.execute(f"SELECT {calls}", [item for pair in BUILD_SETTINGS.items() for item in pair])


def summary_month_build(*, enterprise: Enterprise, month: dt.date, force: bool = False) -> BuildResult:
    """Build (or rebuild) one enterprise's month: drafts are replaced, submitted forms kept.

    Lists already on a submitted form stay there; lists that departed since go onto an
    additional form. Statistics (A lists) are recomputed whole. A rebuild that would produce
    exactly the drafts and statistics already saved leaves them as they are (same ids).

    Two builds of one enterprise never run at once: a session advisory lock is taken before
    the transaction starts, so the second build's REPEATABLE READ snapshot is taken after the
    first has committed and it sees the first one's forms.

    ``force`` rebuilds the drafts even when no list is new to the month (an accepted return
    changed what a list brings: declarations.returns).
    """
    month = month.replace(day=1)
    deadline = _safe_deadline(month)
    postgres = connection.vendor == "postgresql"
    outermost = not connection.in_atomic_block
    lock_args = [BUILD_LOCK_CLASS, enterprise.pk]
    if postgres and outermost:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", lock_args)
    try:
        with transaction.atomic():
            if postgres:
                with connection.cursor() as cursor:
                    if outermost:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    else:  # inside a caller's transaction (tests, scripts): lock until it ends
                        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", lock_args)
                    build_settings_apply(cursor)
            if force:
                return _build(enterprise=enterprise, month=month, deadline=deadline)
            return _build_or_keep(enterprise=enterprise, month=month, deadline=deadline)
    except IntegrityError:
        raise ApplicationError(
            "build_conflict",
            _("Another build of this month ran at the same time. Nothing was saved; run the build again."),
        )
    finally:
        if postgres and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", lock_args)


def _has_unsummarised_lists(*, enterprise: Enterprise, month: dt.date) -> bool:
    """Is any departed B list of the month on no form yet? (one indexed EXISTS query)"""
    unsummarised = _month_inventories(enterprise_id=enterprise.pk, month=month).filter(
        statistics_flag="B", summary_link__isnull=True
    )
    returned = _returns_of_month(enterprise_id=enterprise.pk, month=month)
    if returned:  # a list returned in whole is on no form, and never will be
        unsummarised = unsummarised.exclude(pk__in=returned)
    from declarations.duties.models import DutyForm

    # a list with export duty is declared on a duty form of its own, never on a summary
    return unsummarised.filter(~Exists(DutyForm.objects.filter(inventory_id=OuterRef("pk")))).exists()


def _build_or_keep(*, enterprise: Enterprise, month: dt.date, deadline: dt.date | None) -> BuildResult:
    """Rebuild the drafts only when the month has lists on no form yet.

    A list's month, flag and status never change once it has departed (declared data is
    frozen and departure is final), so when every departed B list of the month is already on
    a form the drafts are exactly what a rebuild would make: they are kept (same ids). The
    statistics are recomputed and replaced only if they differ.
    """
    drafts = SummaryForm.objects.filter(enterprise=enterprise, month=month, status=SummaryStatus.DRAFT)
    if (
        drafts.exists()
        and not drafts.exclude(deadline=deadline).exists()
        and not _has_unsummarised_lists(enterprise=enterprise, month=month)
    ):
        totals = drafts.aggregate(
            forms=Count("id"), lines=Sum("line_count"), inventories=Sum("inventory_count")
        )
        statistics = _build_statistics(enterprise=enterprise, month=month)
        return BuildResult(
            forms=totals["forms"],
            lines=totals["lines"] or 0,
            inventories=totals["inventories"] or 0,
            statistics=statistics,
            unchanged=True,
        )
    return _build(enterprise=enterprise, month=month, deadline=deadline)


def _build(*, enterprise: Enterprise, month: dt.date, deadline: dt.date) -> BuildResult:
    month_forms = SummaryForm.objects.filter(enterprise=enterprise, month=month)
    month_forms.filter(status=SummaryStatus.DRAFT).delete()
    kept = month_forms.aggregate(n=Count("id"), last=Max("number"))
    additional = kept["n"] > 0
    number = kept["last"] or 0

    plan = summary_plan(enterprise_id=enterprise.pk, month=month, any_summarised=additional)
    owners = Enterprise.objects.in_bulk({p.key[1] for p in plan})
    forms = []
    for planned in plan:
        number += 1
        traf_mode, owner_id, country, port_code = planned.key
        forms.append(
            SummaryForm(
                enterprise=enterprise,
                month=month,
                number=number,
                ebc_code=_party_code(enterprise),
                traf_mode=traf_mode,
                owner_enterprise_id=owner_id,
                owner_code=_party_code(owners[owner_id]),
                country=country,
                port_code=port_code,
                part=planned.part,
                parts=planned.parts,
                additional=additional,
                inventory_count=planned.inventory_count,
                line_count=len(planned.lines),
                total_price=planned.total_price,
                deadline=deadline,
            )
        )
    forms = SummaryForm.objects.bulk_create(forms)
    if connection.vendor != "postgresql" or any(f.pk is None for f in forms):  # pragma: no cover
        forms = list(month_forms.filter(status=SummaryStatus.DRAFT).order_by("number"))
    SummaryLine.objects.bulk_create(
        SummaryLine(
            form=form,
            line_no=no,
            gcode=line.gcode,
            destination_country=line.destination_country,
            currency=line.currency,
            unit1=line.unit1,
            qty=line.qty,
            qty1=line.qty1,
            total_price=line.total_price,
            inventory_count=line.inventory_count,
        )
        for form, planned in zip(forms, plan, strict=True)
        for no, line in enumerate(planned.lines, start=1)
    )
    # lists of split groups are linked one by one (rare); the rest in one INSERT ... SELECT
    SummaryInventory.objects.bulk_create(
        SummaryInventory(form=form, inventory_id=inventory_id)
        for form, planned in zip(forms, plan, strict=True)
        if planned.inventory_ids is not None
        for inventory_id in planned.inventory_ids
    )
    whole = [form.pk for form, planned in zip(forms, plan, strict=True) if planned.inventory_ids is None]
    if whole:
        start, end = month_bounds(month)
        sql = _LINK_SQL.format(ids=",".join(["%s"] * len(whole)))
        if additional:
            sql += _LINK_UNSUMMARISED_SQL
        sql += _LINK_NOT_DUTY_SQL
        bounds = [connection.ops.adapt_datetimefield_value(moment) for moment in (start, end)]
        params = [*whole, enterprise.pk, InventoryStatus.DEPARTED, *bounds]
        returned = _returns_of_month(enterprise_id=enterprise.pk, month=month)
        if returned:  # lists returned in whole are linked to no form
            sql += "  AND i.id NOT IN ({})\n".format(",".join(["%s"] * len(returned)))
            params += returned
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # link and count in one statement: the lists each whole form got
                cursor.execute(
                    f"WITH linked AS ({sql} RETURNING form_id) SELECT form_id, count(*) FROM linked GROUP BY form_id",
                    params,
                )
                counts = dict(cursor.fetchall())
            else:  # the embedded SQLite default has no data-modifying WITH: link, then count
                cursor.execute(sql, params)
                counts = dict(
                    SummaryInventory.objects.filter(form_id__in=whole)
                    .values("form_id")
                    .annotate(n=Count("inventory_id"))
                    .values_list("form_id", "n")
                )
        changed = []
        for form in forms:
            if form.pk in counts:
                form.inventory_count = counts[form.pk]
                changed.append(form)
        SummaryForm.objects.bulk_update(changed, ["inventory_count"])

    statistics = _build_statistics(enterprise=enterprise, month=month)
    return BuildResult(
        forms=len(forms),
        lines=sum(len(p.lines) for p in plan),
        inventories=sum(f.inventory_count for f in forms),
        statistics=statistics,
    )


def summary_statistics_rows(*, enterprise_id: int, month: dt.date):
    """Summary statistics (item 8): A lists per (hs4, destination, currency), in the database."""
    start, end = month_bounds(month)
    lines = InventoryLine.objects.filter(
        inventory__ebc_enterprise_id=enterprise_id,
        inventory__status=InventoryStatus.DEPARTED,
        inventory__released_at__gte=start,
        inventory__released_at__lt=end,
        inventory__statistics_flag="A",
    )
    lines = _not_on_duty_forms(lines)
    total = Sum("total_price")
    if _returns_of_month(enterprise_id=enterprise_id, month=month) is not None:
        from declarations.returns.selectors import net_of_returns

        lines, total = net_of_returns(lines), Sum("net_total")
    return (
        lines.annotate(hs4=Substr("gcode", 1, 4))
        .values("hs4", "country", "currency")
        .annotate(inventories=Count("inventory_id", distinct=True), total=total)
        .order_by("hs4", "country", "currency")
    )


def _build_statistics(*, enterprise: Enterprise, month: dt.date) -> int:
    """Replace the month's statistics with a fresh count, unless it is what is saved already."""
    code = _party_code(enterprise)
    fresh = [
        (code, row["hs4"], row["country"], row["currency"], row["inventories"], row["total"])
        for row in summary_statistics_rows(enterprise_id=enterprise.pk, month=month)
    ]
    saved = SummaryStatistic.objects.filter(enterprise=enterprise, month=month)
    columns = ("ebc_code", "hs4", "destination_country", "currency", "inventory_count", "total_price")
    key = lambda row: row[:4]  # noqa: E731
    if sorted(saved.values_list(*columns), key=key) == sorted(fresh, key=key):
        return len(fresh)
    saved.delete()
    SummaryStatistic.objects.bulk_create(
        SummaryStatistic(enterprise=enterprise, month=month, **dict(zip(columns, row, strict=True)))
        for row in fresh
    )
    return len(fresh)


def summaries_build_month(*, month: dt.date, enterprise: Enterprise | None = None) -> BuildResult:
    """Build the month for one enterprise, or for every consignor with lists in the month."""
    month = month.replace(day=1)
    if enterprise is not None:
        enterprises = [enterprise]
    else:
        start, end = month_bounds(month)
        ids = Inventory.objects.filter(
            status=InventoryStatus.DEPARTED, released_at__gte=start, released_at__lt=end
        ).values("ebc_enterprise_id")
        drafts = SummaryForm.objects.filter(month=month).values("enterprise_id")
        enterprises = list(Enterprise.objects.filter(Q(pk__in=ids) | Q(pk__in=drafts)).order_by("pk"))
    if enterprise is not None:
        return summary_month_build(enterprise=enterprise, month=month)
    total = BuildResult(unchanged=True)
    for each in enterprises:
        try:
            total = total + summary_month_build(enterprise=each, month=month)
        except ApplicationError as exc:  # one enterprise's problem never stops the others' month
            total.errors.append((_party_code(each), str(exc)))
    return total


# --- lifecycle ---------------------------------------------------------------------------
def may_declare_for(
    *, acting: Enterprise | None, principal: Enterprise, on_date: dt.date | None = None
) -> bool:
    """The e-commerce enterprise itself, or a broker it authorized for export on that day."""
    if acting is None:
        return False
    if acting.pk == principal.pk:
        return True
    from authorization.selectors import authorization_is_valid

    return authorization_is_valid(
        agent=acting, principal=principal, direction="export", on_date=on_date or timezone.localdate()
    )


def _declaring_enterprise(*, form: SummaryForm, actor) -> Enterprise:
    acting = getattr(actor, "enterprise", None)
    if not may_declare_for(acting=acting, principal=form.enterprise):
        raise ApplicationError(
            "not_authorized",
            _(
                "Only the e-commerce enterprise or a customs broker it has authorized for export "
                "may declare its summary forms."
            ),
        )
    return acting


def _actor_label(actor) -> str:
    """API callers are not users: name the key (and its enterprise) in the history instead."""
    return "" if getattr(actor, "pk", None) else str(actor)[:150]


def summary_form_submit(*, form: SummaryForm, actor) -> SummaryForm:
    acting = _declaring_enterprise(form=form, actor=actor)

    def stamp(locked):
        locked.submitted_at = timezone.now()
        locked.submitted_by = acting

    return run_transition(
        instance=form,
        transition="submit",
        history_model=SummaryFormHistory,
        actor=actor,
        actor_label=_actor_label(actor),
        before=stamp,
    )


def summary_form_resubmit(*, form: SummaryForm, actor, note: str = "") -> SummaryForm:
    acting = _declaring_enterprise(form=form, actor=actor)

    def stamp(locked):
        locked.submitted_at = timezone.now()
        locked.submitted_by = acting

    return run_transition(
        instance=form,
        transition="resubmit",
        history_model=SummaryFormHistory,
        actor=actor,
        actor_label=_actor_label(actor),
        reason=note,
        before=stamp,
    )


def _require_reviewer(actor) -> None:
    if not user_has_staff_role(actor, "reviewer"):
        raise ApplicationError("not_reviewer", _("Only a customs reviewer may decide on summary forms."))


def summary_form_accept(*, form: SummaryForm, actor, declaration_no: str) -> SummaryForm:
    _require_reviewer(actor)
    if form.results.exists():
        # customs' result message (CEB792, results.py) gives the number: never typed over it
        raise ApplicationError(
            "result_exists",
            _(
                "Customs' result message (CEB792) has been taken in for this form: its declaration number is not typed by hand."
            ),
            field="declaration_no",
        )
    declaration_no = (declaration_no or "").strip()
    if not DECLARATION_NO.match(declaration_no):
        raise ApplicationError(
            "invalid_declaration_no",
            _("The declaration number has exactly 18 digits."),
            field="declaration_no",
        )
    if SummaryForm.objects.filter(declaration_no=declaration_no).exclude(pk=form.pk).exists():
        raise ApplicationError(
            "duplicate_declaration_no",
            _("This declaration number is already recorded on another form."),
            field="declaration_no",
        )

    def record(locked):
        locked.declaration_no = declaration_no
        locked.decided_at = timezone.now()

    try:
        return run_transition(
            instance=form,
            transition="accept",
            history_model=SummaryFormHistory,
            actor=actor,
            reason=declaration_no,
            before=record,
        )
    except IntegrityError:
        raise ApplicationError(
            "duplicate_declaration_no",
            _("This declaration number is already recorded on another form."),
            field="declaration_no",
        )


def summary_form_return(*, form: SummaryForm, actor, reason: str) -> SummaryForm:
    _require_reviewer(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            "reason_required", _("Give the enterprise a reason for the return."), field="reason"
        )

    def record(locked):
        locked.return_reason = reason
        locked.decided_at = timezone.now()

    form = run_transition(
        instance=form,
        transition="return_form",
        history_model=SummaryFormHistory,
        actor=actor,
        reason=reason,
        before=record,
    )
    _notify_return(form)
    return form


# the notification of a return, read in each user's language; the reason is the reviewer's own
# words, shown as written
FORM_RETURNED = texts.define("summaries.notice.returned", _("A summary declaration form was returned"))
FORM_RETURNED_BODY = texts.define(
    "summaries.notice.returned.body",
    _("Summary form %(form)s (%(status)s) was returned by customs. Reason: %(reason)s"),
)
FORM_RETURNED_ACTION = texts.define(
    "summaries.notice.returned.action", _("Correct the summary form as asked and submit it again.")
)


def _notify_return(form: SummaryForm) -> None:
    from django.urls import reverse

    from notifications.services import notification_create

    notification_create(
        kind="summary_returned",
        enterprise=form.enterprise,
        title=texts.stored(FORM_RETURNED),
        body=texts.stored(
            FORM_RETURNED_BODY,
            form=str(form),
            status=texts.choice(SummaryStatus, form.status),
            reason=form.return_reason,
        ),
        action=texts.stored(FORM_RETURNED_ACTION),
        link=reverse("summaries:form_detail", args=[form.pk]),
    )


def summary_form_ceb701(*, form: SummaryForm) -> bytes:
    """The CEB701 summary application of a declared form (never of a draft)."""
    if form.status == SummaryStatus.DRAFT:
        raise ApplicationError(
            "not_declared",
            _("A draft is not declared yet: submit the form before downloading its CEB701 message."),
        )
    from .exports import form_ceb701

    return form_ceb701(form=form)
