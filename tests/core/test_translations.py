"""Every user-facing string has a Simplified Chinese translation, compiled and committed."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(p for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts)

pytestmark = pytest.mark.skipif(shutil.which("msgattrib") is None, reason="gettext tools not installed")


def test_the_portal_has_catalogues():
    assert ROOT / "locale/zh_Hans/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_not_fuzzy(po):
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(po)], capture_output=True, text=True, check=True
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(po)], capture_output=True, text=True, check=True
    ).stdout
    missing = [line for line in untranslated.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    fuzzy_ids = [line for line in fuzzy.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    assert not missing, f"untranslated in {po}: {missing[:10]}"
    assert not fuzzy_ids, f"fuzzy in {po}: {fuzzy_ids[:10]}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_mo_matches_its_po(po, tmp_path):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is not compiled"
    fresh = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
    with mo.open("rb") as committed, fresh.open("rb") as compiled:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(compiled)._catalog, (
            f"{mo} is stale: run scripts/makemessages"
        )


PARTS = [
    "portal",
    "registration",
    "cooperation",
    "authorization",
    "declarations",
    "summaries",
    "channels",
    "reminders",
    "notifications",
    "casework",
]


@pytest.mark.parametrize("part", PARTS)
def test_every_string_in_the_code_and_pages_is_in_its_catalogue(part):
    """A string added to a page or the code (or changed) without its translation fails here,
    not in front of a trader: the part's strings are extracted afresh and checked."""
    done = subprocess.run(
        [str(ROOT / "scripts" / "makemessages"), "--check", part], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
