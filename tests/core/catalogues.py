"""Read the parts' gettext catalogues (django.po) without third-party tools, and find the message
ids that two parts translate differently.

Django merges every part's catalogue into one for a language: for a message id (and context)
found in several, the first catalogue in its search order wins, so a word the parts translate
differently shows one part's meaning on every page. One meaning per message id: a word with two
meanings gets a context (pgettext), a word with one meaning gets one translation."""

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")


def catalogues(root: Path = ROOT) -> list[Path]:
    return sorted(
        p
        for p in root.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
        if not {".venv", "node_modules", "staticfiles"} & set(p.relative_to(root).parts)
    )


def part_of(po: Path, root: Path = ROOT) -> str:
    parent = po.relative_to(root).parents[3]
    return "portal" if str(parent) == "." else str(parent)


def parse(text: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """{(context, msgid): (msgstr, ...)} of the translated, non-fuzzy, non-obsolete entries."""
    entries: dict[tuple[str, str], tuple[str, ...]] = {}
    for block in re.split(r"\n\s*\n", text):
        lines = block.strip().splitlines()
        if any(line.startswith("#~") for line in lines):
            continue  # obsolete
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            continue
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            if line.startswith("#"):
                continue
            match = _KEYWORD.match(line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        msgid = fields.get("msgid")
        if not msgid:
            continue  # the header
        strings = tuple(v for k, v in sorted(fields.items()) if k.startswith("msgstr"))
        if all(strings):
            entries[(fields.get("msgctxt", ""), msgid)] = strings
    return entries


def conflicts(
    paths: list[Path], root: Path = ROOT
) -> dict[tuple[str, str], dict[tuple[str, ...], list[str]]]:
    """{(context, msgid): {translation: [parts]}} for each message id with two translations."""
    seen: dict[tuple[str, str], dict[tuple[str, ...], list[str]]] = defaultdict(lambda: defaultdict(list))
    for po in paths:
        for key, strings in parse(po.read_text(encoding="utf-8")).items():
            seen[key][strings].append(part_of(po, root))
    return {key: dict(found) for key, found in seen.items() if len(found) > 1}
