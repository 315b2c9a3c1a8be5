"""The README's first command runs on the embedded default: SQLite, Celery eager, console mail.

CI runs the suite on PostgreSQL, so the code paths written for PostgreSQL (COPY, VALUES
updates, data-modifying WITH) would go untested on SQLite without this: the demo drives
every app's services (intake, channels, departures, summaries, reminders) on a fresh SQLite
database, twice, as `scripts/run` does on a laptop.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_migrate_and_seed_demo_on_sqlite_print_the_demo_logins_and_are_idempotent(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "PORTAL_TESTING"}}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "media")}
    migrated = _manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    first = _manage("seed_demo", env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Demo data ready. Demo logins:" in first.stdout
    for login in ("demo-broker", "demo-exporter", "demo-platform", "reviewer", "Demo-pass-2026"):
        assert login in first.stdout
    assert "otpauth://totp/" in first.stdout  # staff get their second factor printed
    assert "forms 2, lines 5, inventories 6" in first.stdout  # the demo month was summarised
    second = _manage("seed_demo", env=env)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "enterprises created 0" in second.stdout
