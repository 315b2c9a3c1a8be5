"""The reviewers' attack script (bench/attack.py) runs against a live portal and finds no leak."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def load_attack():
    spec = importlib.util.spec_from_file_location("bench_attack", ROOT / "bench/attack.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_attack_script_reports_every_case_and_no_leak(live_server, capsys):
    attack = load_attack()
    assert attack.main(["--base", live_server.url]) == 0
    out = capsys.readouterr().out
    assert "LEAK" not in out
    last = out.strip().splitlines()[-1]
    assert last.startswith(tuple(f"{n} cases, 0 leaks" for n in range(80, 200))), last


def test_the_attack_script_refuses_any_address_but_loopback():
    attack = load_attack()
    with pytest.raises(SystemExit, match="not a loopback address"):
        attack.loopback_only("http://192.0.2.10:8000")
    assert attack.loopback_only("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"
