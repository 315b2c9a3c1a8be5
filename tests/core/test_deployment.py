"""The production stack's description and settings: checked here since no Docker engine runs."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_docker_compose_describes_the_production_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) >= {"db", "redis", "web", "worker", "beat"}
    for name in ("db", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], name
    assert "gunicorn customs_portal.wsgi" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "customs_portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "customs_portal", "beat"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DJANGO_ENV"] == "production"
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
    assert (ROOT / "Dockerfile").exists()


def _manage(*args, env_extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "PORTAL_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    result = _manage("check", env_extra={"DJANGO_ENV": "production", "ALLOWED_HOSTS": "portal.example"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DJANGO_ENV": "production",
            "SECRET_KEY": "s3cr3t-" + "x9Qm2#Lp7vR!kT4wZ8bN6yH1jF5dC0gA3eU" * 2,
            "ALLOWED_HOSTS": "portal.example",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
