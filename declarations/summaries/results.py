"""Customs' result of a summary application (CEB792), taken in by ops or by a reviewer's upload.

A CEB792 comes from customs' side, not from an enterprise, so it does not go through the
intake; it is read with the same guards as every message (``declarations.ceb``: bounded size,
the streaming pre-scan that refuses a DOCTYPE and bounds the work, a parser that opens no URL,
the 2022-05 XSD), then applied in one transaction: every result of the message, or nothing.

How a result is read:
- its head's ``guid`` is the guid of the form's CEB701 application head (``exports``), and its
  ``ebcCode`` the form's enterprise: that is the form it answers (no other form is touched);
- an ``entryId`` (the 18-digit declaration number customs generated) accepts the form with it;
- no ``entryId`` but a ``note``: the form is returned, the note being customs' reason;
- neither: the result is refused (nothing says what customs decided). ``decState`` is kept as
  sent: its values are customs' own (the schema: "具体返回值由海关确定"), so the portal does not
  guess from it.
Taking in the same message again changes nothing. Once a result exists for a form, nobody
types its declaration number by hand (``services.summary_form_accept``).

The official sample CEB792 lacks ``gseqno``, which the schema requires on every result line:
such a message is refused with the schema's own error. Tolerating it would mean accepting a
message the specification calls invalid from the one party whose numbers become legal
declaration numbers; a truncated or hand-edited message could not be told apart from it.
"""

from __future__ import annotations

import itertools
import re
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from customs_portal import texts
from customs_portal.errors import ApplicationError
from customs_portal.fsm import run_transition
from declarations import ceb
from registration.models import Enterprise

from .models import ResultOutcome, SummaryForm, SummaryFormHistory, SummaryResult, SummaryStatus

ROOT = "CEB792Message"
DECLARATION_NO = re.compile(r"^\d{18}$")
MAX_REPORTED_ERRORS = 20

ACCEPTED_BY_RESULT = texts.define(
    "summaries.result.accepted",
    gettext_lazy("customs result (CEB792) %(guid)s: declaration number %(number)s"),
)
RETURNED_BY_RESULT = texts.define(
    "summaries.result.returned", gettext_lazy("customs result (CEB792) %(guid)s: returned: %(reason)s")
)


@dataclass
class ResultLine:
    form: SummaryForm
    outcome: str
    changed: bool


@dataclass
class ImportReport:
    message_guid: str
    results: list[ResultLine] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(1 for line in self.results if line.changed)


def _refuse(message: str, errors: list[str] | None = None) -> ApplicationError:
    text = message + ("\n" + "\n".join(errors) if errors else "")
    return ApplicationError("invalid_result", text)


def result_parse(body: bytes) -> tuple[str, list[dict]]:
    """The message guid and each SummaryResult's head as a dict; ApplicationError if refused."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if len(body) > ceb.MAX_MESSAGE_BYTES:
        raise _refuse(
            _("The file is larger than %(limit)d MB and was not read.")
            % {"limit": ceb.MAX_MESSAGE_BYTES // (1024 * 1024)}
        )
    if not body.strip():
        raise _refuse(_("The file is empty."))
    try:
        ceb.prescan(body)
        root = etree.fromstring(body, ceb.message_parser())
    except ceb.MessageRefused as refused:
        raise _refuse(refused.message) from None
    except ceb.ExternalResourceRefused:
        raise _refuse(_("A DOCTYPE (document type declaration) is not allowed in a CEB message.")) from None
    except etree.XMLSyntaxError as exc:
        raise _refuse(_("The file is not well-formed XML: %(error)s") % {"error": exc}) from None
    qname = etree.QName(root)
    if qname.namespace != ceb.CEB_NS or qname.localname != ROOT:
        raise _refuse(
            _("This is not a summary result message (CEB792): its root is “%(root)s”.")
            % {"root": qname.localname}
        )
    schema = ceb.get_schema()
    if not schema.validate(root.getroottree()):
        errors = [
            f"line {error.line}: {ceb._readable(error.message)}"
            for error in itertools.islice(schema.error_log, MAX_REPORTED_ERRORS)
        ]
        hint = (
            [_("Every SummaryResultList needs its gseqno (the official sample message lacks it).")]
            if any("gseqno" in error for error in errors)
            else []
        )
        raise _refuse(
            _("The message does not conform to the CEB schema (2022-05); nothing was changed:"), errors + hint
        )
    heads = []
    for head in root.iterfind(f"{{{ceb.CEB_NS}}}SummaryResult/{{{ceb.CEB_NS}}}SummaryResultHead"):
        heads.append({ceb._localname(child.tag): (child.text or "").strip() for child in head})
    return root.get("guid", ""), heads


def _application_guid(form: SummaryForm) -> str:
    """The guid of the form's CEB701 application head (exports.form_ceb701)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"summaryform:{form.pk}")).upper()


def _forms_by_guid(heads: list[dict]) -> dict[tuple[str, str], SummaryForm]:
    codes = {head.get("ebcCode", "") for head in heads}
    enterprises = Enterprise.objects.filter(Q(customs_code__in=codes) | Q(uscc__in=codes))
    forms = SummaryForm.objects.filter(enterprise__in=enterprises).exclude(status=SummaryStatus.DRAFT)
    found = {}
    for form in forms.select_related("enterprise"):
        for code in (form.enterprise.customs_code, form.enterprise.uscc):
            if code:
                found[(code, _application_guid(form))] = form
    return found


def summary_result_import(*, body: bytes, actor=None, actor_label: str = "") -> ImportReport:
    """Apply every result of one CEB792 message, or none (ApplicationError names each problem)."""
    message_guid, heads = result_parse(body)
    if not heads:
        raise _refuse(_("The message carries no summary result."))
    label = actor_label or str(getattr(actor, "username", "") or "ops")[:150]
    forms = _forms_by_guid(heads)
    report = ImportReport(message_guid=message_guid)
    errors: list[str] = []
    try:
        with transaction.atomic():
            for number, head in enumerate(heads, start=1):
                form = forms.get((head.get("ebcCode", ""), head.get("guid", "").upper()))
                if form is None:
                    errors.append(
                        _(
                            "result %(n)s: no declared summary form of %(ebc)s has the application guid %(guid)s"
                        )
                        % {"n": number, "ebc": head.get("ebcCode", ""), "guid": head.get("guid", "")}
                    )
                    continue
                try:
                    report.results.append(
                        _apply(form, head, message_guid=message_guid, actor=actor, label=label)
                    )
                except ApplicationError as exc:
                    errors.append(
                        _("result %(n)s (form %(form)s): %(error)s")
                        % {"n": number, "form": form, "error": exc}
                    )
            if errors:
                raise _refuse(_("Nothing was changed:"), errors)
    except IntegrityError:
        raise _refuse(
            _("This declaration number is already recorded on another form; nothing was changed.")
        ) from None
    return report


def _apply(form: SummaryForm, head: dict, *, message_guid: str, actor, label: str) -> ResultLine:
    entry_id = head.get("entryId", "")
    note = head.get("note", "")
    if entry_id:
        if not DECLARATION_NO.match(entry_id):
            raise ApplicationError(
                "invalid_entry_id",
                _("entryId %(no)s is not an 18-digit declaration number") % {"no": entry_id},
            )
        outcome = ResultOutcome.ACCEPTED
    elif note:
        outcome = ResultOutcome.RETURNED
    else:
        raise ApplicationError(
            "no_outcome",
            _("it carries neither a declaration number (entryId) nor a reason for return (note)"),
        )
    identity = {
        "form": form,
        "guid": head.get("guid", "").upper(),
        "dec_state": head.get("decState", ""),
        "entry_id": entry_id,
        "op_date": head.get("opDate", ""),
    }
    locked = SummaryForm.objects.select_for_update().get(pk=form.pk)
    if SummaryResult.objects.filter(**identity).exists():
        return ResultLine(form=locked, outcome=outcome, changed=False)  # taken in before
    if outcome == ResultOutcome.ACCEPTED:
        if locked.status == SummaryStatus.ACCEPTED:
            if locked.declaration_no != entry_id:
                raise ApplicationError(
                    "other_number",
                    _("the form is already accepted with declaration number %(no)s")
                    % {"no": locked.declaration_no},
                )
        else:

            def record(row):
                row.declaration_no = entry_id
                row.decided_at = timezone.now()

            locked = run_transition(
                instance=locked,
                transition="accept",
                history_model=SummaryFormHistory,
                actor=actor,
                actor_label=label if not getattr(actor, "pk", None) else "",
                reason=texts.stored(ACCEPTED_BY_RESULT, guid=identity["guid"], number=entry_id),
                before=record,
            )
    else:
        if locked.status != SummaryStatus.RETURNED or locked.return_reason != note:

            def record(row):
                row.return_reason = note
                row.decided_at = timezone.now()

            locked = run_transition(
                instance=locked,
                transition="return_form",
                history_model=SummaryFormHistory,
                actor=actor,
                actor_label=label if not getattr(actor, "pk", None) else "",
                reason=texts.stored(RETURNED_BY_RESULT, guid=identity["guid"], reason=note),
                before=record,
            )
            from .services import _notify_return

            _notify_return(locked)
    SummaryResult.objects.create(
        **identity,
        message_guid=message_guid[:36],
        sum_no=head.get("sumNo", "")[:50],
        decl_seq_no=head.get("declSeqNo", "")[:50],
        note=note[:1000],
        outcome=outcome,
        imported_by=label,
    )
    return ResultLine(form=locked, outcome=outcome, changed=True)
