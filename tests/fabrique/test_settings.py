"""The production configuration: no secret has a default, and the security headers are sent."""

import os
import subprocess
import sys

from django.conf import settings


def run_with(environment):
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG", "EMAIL_URL"}}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "fabrique.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_with({"EMAIL_URL": "smtp://localhost:25"})

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_an_email_server():
    result = run_with({"SECRET_KEY": "x" * 50})

    assert result.returncode != 0
    assert "EMAIL_URL" in result.stderr


def test_a_local_run_needs_no_secret():
    assert run_with({"DEBUG": "true"}).returncode == 0


def test_pages_carry_the_security_headers(client, db):
    response = client.get("/")

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
