"""Production mode: `check --deploy` is clean, and the app refuses to start without a real key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 10 + "Zq8-vN3_wX7pL2mR9sT4uY6bC1dF5gH0jK8nP3qS7vW2xZ5aB9cE4fG6hJ1"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    test_only = {"VOCALEYES_TESTING", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production_mode() -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="vocaleyes.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key() -> None:
    result = run_manage("check", DEBUG="false", ALLOWED_HOSTS="vocaleyes.example.org")
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_mode_refuses_a_weak_secret_key() -> None:
    result = run_manage("check", DEBUG="false", SECRET_KEY="short", ALLOWED_HOSTS="vocaleyes.example.org")
    assert result.returncode == 2
    assert "too weak" in result.stderr


def test_development_mode_starts_without_a_secret_key() -> None:
    result = run_manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr
