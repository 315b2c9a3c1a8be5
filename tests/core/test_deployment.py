"""The production stack's description and settings: checked here since no Docker engine runs."""

import ipaddress
import os
import re
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


def test_only_the_tls_proxy_is_published_and_gunicorn_trusts_it_alone():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    proxy, web = services["proxy"], services["web"]
    assert proxy["image"].split(":")[0] in {"caddy", "nginx"}
    assert {str(port).split(":")[-1] for port in proxy["ports"]} == {"80", "443"}
    # its configuration is in the repository and sends everything to gunicorn
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in proxy["volumes"]}
    config = ROOT / mounts["/etc/caddy/Caddyfile"]
    assert config.is_file() and "reverse_proxy web:8000" in config.read_text()
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    # nothing but the proxy is reachable from outside
    for name, service in services.items():
        assert name == "proxy" or "ports" not in service, name
    # gunicorn and Django take X-Forwarded-* from the proxy's fixed address only
    proxy_ip = proxy["networks"]["edge"]["ipv4_address"]
    assert "edge" in web["networks"] and "edge" not in services["db"].get("networks", [])
    trusted = re.search(r"--forwarded-allow-ips[ =](\S+)", web["command"]).group(1).strip("'\"")
    assert trusted == proxy_ip and "*" not in trusted
    assert web["environment"]["FORWARDED_ALLOW_IPS"] == proxy_ip
    subnet = compose["networks"]["edge"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(proxy_ip) in ipaddress.ip_network(subnet)
    # the health check needs no forged header: /healthz answers plain HTTP
    assert "X-Forwarded-Proto" not in str(web["healthcheck"]["test"])


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


def test_collectstatic_succeeds_with_production_settings(tmp_path):
    """The image runs collectstatic with hashed names, which follows every url() of every
    stylesheet: a reference to a file the portal does not ship fails the deployment."""
    result = _manage(
        "collectstatic",
        "--noinput",
        "-v",
        "0",
        env_extra={
            "DJANGO_ENV": "production",
            "SECRET_KEY": "s3cr3t-" + "x9Qm2#Lp7vR!kT4wZ8bN6yH1jF5dC0gA3eU" * 2,
            "ALLOWED_HOSTS": "portal.example",
            "STATIC_ROOT": str(tmp_path / "static"),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_production_settings_take_the_scheme_from_the_proxy_and_refuse_to_trust_anyone():
    env = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "s3cr3t-" + "x9Qm2#Lp7vR!kT4wZ8bN6yH1jF5dC0gA3eU" * 2,
        "ALLOWED_HOSTS": "portal.example",
        "FORWARDED_ALLOW_IPS": "172.30.240.2",
    }
    show = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER, s.FORWARDED_ALLOW_IPS, s.SECURE_REDIRECT_EXEMPT)"
    result = _manage("shell", "-c", show, env_extra=env)
    assert (
        result.stdout.strip().splitlines()[-1]
        == "('HTTP_X_FORWARDED_PROTO', 'https') ['172.30.240.2'] ['^healthz$']"
    )
    anyone = _manage("check", env_extra={**env, "FORWARDED_ALLOW_IPS": "*"})
    assert anyone.returncode != 0 and "FORWARDED_ALLOW_IPS" in anyone.stderr


# what only tests, lint and benchmarks import: none of it may reach the production image
DEV_ONLY = {"pytest", "pytest-django", "pytest-xdist", "execnet", "pluggy", "iniconfig", "pygments"}
DEV_ONLY |= {"ruff", "playwright", "greenlet", "pypdf", "schemathesis", "hypothesis"}


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-r "):
            continue
        name, sep, version = line.partition("==")
        assert sep and version, f"{path.name}: {line!r} is not pinned"
        pins[name.strip().lower().replace("_", "-")] = version
    return pins


def test_production_requirements_hold_no_test_or_lint_tool():
    production = _pins(ROOT / "requirements.txt")
    assert "django" in production and "gunicorn" in production
    assert not DEV_ONLY & set(production), sorted(DEV_ONLY & set(production))


def test_development_requirements_extend_production_with_pinned_test_tools():
    lines = (ROOT / "requirements-dev.txt").read_text().splitlines()
    assert lines[0] == "-r requirements.txt"
    dev = _pins(ROOT / "requirements-dev.txt")
    assert {"pytest", "pytest-django", "ruff", "playwright"} <= set(dev)
    assert not set(dev) & set(_pins(ROOT / "requirements.txt"))  # each package pinned once


def test_the_image_installs_only_the_production_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
    assert "requirements-dev" not in dockerfile
    setup = (ROOT / "scripts" / "setup").read_text()
    assert "-r requirements-dev.txt" in setup
