"""Ops: feed CEB XML messages from files or folders through the same intake as the API.

Each message is sent on behalf of the enterprise it speaks for (the party whose code the
API would require of the sender: ebpCode/ebcCode for orders, payCode for receipts...).
"""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db.models import Q

from declarations import ceb
from declarations.intake import SENDER_FIELDS, intake_entries, record_rejections, schema_reason
from registration.models import Enterprise


class Command(BaseCommand):
    help = "Ingest CEB messages (files or folders of .xml); one summary line per file."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")

    def handle(self, *args, **options):
        paths = options["paths"]
        files: list[Path] = []
        ok = True
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".xml"))
            elif path.is_file():
                files.append(path)
            else:
                self.stderr.write(f"{raw}: no such file or folder")
                ok = False
        for path in files:
            ok = self._ingest(path) and ok
        if not ok:
            raise SystemExit(1)

    def _ingest(self, path: Path) -> bool:
        try:
            body = path.read_bytes()
        except OSError as exc:
            self.stdout.write(f"{path}: 0 accepted, 0 duplicate, 1 rejected")
            self.stdout.write(f"    {path.name}: {exc}")
            return False
        try:
            message = ceb.parse_message(body)
        except ceb.MessageRefused as refused:
            self.stdout.write(f"{path}: 0 accepted, 0 duplicate, 1 rejected")
            self.stdout.write(f"    {refused.guid or path.name}: {refused.info}")
            if refused.code == ceb.CODE_SCHEMA:
                sender = self._sender_from_raw(body, refused.kind)
                if sender is not None:
                    record_rejections(
                        sender=sender,
                        rejections=[
                            {
                                "kind": "message",
                                "key": "",
                                "guid": refused.guid,
                                "reason": schema_reason(refused),
                                "payload": {"file": str(path)},
                            }
                        ],
                    )
            return False
        kind = message.kind.kind
        counts = {"accepted": 0, "duplicate": 0, "rejected": 0}
        rejected_lines: list[str] = []
        by_sender: dict[int, list[int]] = {}
        senders = self._senders(kind, message.entities)
        for index, entity in enumerate(message.entities):
            sender = senders.get(index)
            if sender is None:
                counts["rejected"] += 1
                key = entity.get(_key_field(kind), "")
                rejected_lines.append(
                    f"    {key}: 2001: no approved enterprise with the code in {' / '.join(SENDER_FIELDS[kind])}"
                )
                continue
            by_sender.setdefault(sender.pk, []).append(index)
        sender_objects = {s.pk: s for s in senders.values() if s is not None}
        for sender_pk, indexes in by_sender.items():
            result = intake_entries(
                kind=kind, entries=[message.entities[i] for i in indexes], sender=sender_objects[sender_pk]
            )
            for receipt in result.receipts:
                counts[receipt.status] = counts.get(receipt.status, 0) + 1
                if receipt.status == "rejected":
                    rejected_lines.append(f"    {receipt.key}: {receipt.info}")
        self.stdout.write(
            f"{path}: {counts['accepted']} accepted, {counts['duplicate']} duplicate, {counts['rejected']} rejected"
        )
        for line in rejected_lines:
            self.stdout.write(line)
        return True

    def _senders(self, kind: str, entities: list[dict]) -> dict[int, Enterprise | None]:
        """The enterprise each entity speaks for, resolved in one query."""
        codes = {entity.get(name) for entity in entities for name in SENDER_FIELDS[kind] if entity.get(name)}
        enterprises = list(
            Enterprise.objects.approved().filter(Q(customs_code__in=codes) | Q(uscc__in=codes))
        )
        by_code = {}
        for enterprise in enterprises:
            for code in (enterprise.customs_code, enterprise.uscc):
                if code:
                    by_code[code] = enterprise
        result = {}
        for index, entity in enumerate(entities):
            result[index] = next(
                (by_code[entity[name]] for name in SENDER_FIELDS[kind] if entity.get(name) in by_code), None
            )
        return result

    def _sender_from_raw(self, body: bytes, kind) -> Enterprise | None:
        """For a schema-invalid message: the enterprise named in its BaseTransfer copCode, if any."""
        import re

        match = re.search(rb"<(?:\w+:)?copCode>\s*([0-9A-Za-z]{10,18})\s*<", body[:1_000_000])
        if not match:
            return None
        code = match.group(1).decode()
        return Enterprise.objects.approved().filter(Q(customs_code=code) | Q(uscc=code)).first()


def _key_field(kind: str) -> str:
    from declarations.serializers import KEY_FIELDS

    return KEY_FIELDS[kind]
