"""A code with its name, in the reader's language: ``label("country", "303")`` → "303 英国" /
"303 United Kingdom"; an unknown code reads "999 ?", never an error.

The tables are read once per process (all of them: some 1,900 rows) and kept for a few
minutes, so a page of a hundred rows costs no query per row. Loading an edition clears them.
"""

import csv
import time

from django.utils import translation

REFRESH_SECONDS = 300
UNKNOWN_MARK = "?"

_cache: dict = {"tables": None, "at": 0.0}


def clear_cache() -> None:
    _cache["tables"] = None


def _read() -> dict[str, dict[str, tuple[str, str]]]:
    from .models import CustomsCode
    from .services import SHIPPED_FILE

    rows = list(CustomsCode.objects.values_list("table", "code", "name_zh", "name_en"))
    if not rows:  # a database the tables were never loaded into: the shipped edition
        with open(SHIPPED_FILE, encoding="utf-8", newline="") as f:
            rows = [(r["table"], r["code"], r["name_zh"], r["name_en"]) for r in csv.DictReader(f)]
    tables: dict[str, dict[str, tuple[str, str]]] = {}
    for table, code, name_zh, name_en in rows:
        tables.setdefault(table, {})[code] = (name_zh, name_en)
    return tables


def tables() -> dict[str, dict[str, tuple[str, str]]]:
    if _cache["tables"] is None or time.monotonic() - _cache["at"] > REFRESH_SECONDS:
        _cache["tables"] = _read()
        _cache["at"] = time.monotonic()
    return _cache["tables"]


def _chinese(language: str | None) -> bool:
    return (language or translation.get_language() or "").lower().startswith("zh")


def name(table: str, code, language: str | None = None) -> str | None:
    """The name of ``code`` in ``table`` in ``language`` (default: the active one), or None."""
    names = tables().get(table, {}).get(str(code).strip())
    if names is None:
        return None
    name_zh, name_en = names
    return name_zh if _chinese(language) or not name_en else name_en


def label(table: str, code, language: str | None = None) -> str:
    """ "303 英国"; "999 ?" for a code the table does not hold; "" for no code."""
    code = "" if code is None else str(code).strip()
    if not code:
        return ""
    found = name(table, code, language)
    return f"{code} {found}" if found else f"{code} {UNKNOWN_MARK}"


def known(table: str, code) -> bool:
    return str(code or "").strip() in tables().get(table, {})
