"""The production profile refuses to start without its secrets; the embedded one needs none."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DEBUG, settings.SANDBOX_ENABLED, settings.SESSION_COOKIE_SECURE,"
    " settings.SESSION_COOKIE_NAME)"
)
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a-dummy-secret-key-that-is-long-enough-for-the-check-0123456789",
    "ALLOWED_HOSTS": "billodash.example.com",
    "BILLODASH_CREDENTIAL_KEYS": Fernet.generate_key().decode(),
}


def _start(env_overrides, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "BILLODASH"))}
    env.pop("SECRET_KEY", None)
    env.pop("ALLOWED_HOSTS", None)
    env.update(DJANGO_SETTINGS_MODULE="billodash.settings", BILLODASH_VAR_DIR=str(tmp_path))
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _local_secrets(folder):
    return [(folder / name).read_text() for name in ("secret.key", "credential.key")]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "BILLODASH_CREDENTIAL_KEYS"])
def test_production_refuses_to_start_without(missing, tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}

    result = _start(env, tmp_path)

    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_runs_with_debug_off_secure_cookies_and_no_sandbox(tmp_path):
    result = _start(PRODUCTION, tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "True", "__Host-sessionid"]


def test_production_can_enable_the_sandbox_explicitly(tmp_path):
    result = _start({**PRODUCTION, "BILLODASH_SANDBOX_ENABLED": "true"}, tmp_path)

    assert result.stdout.split()[1] == "True"


def test_the_embedded_profile_needs_no_setup_and_keeps_its_local_secrets(tmp_path):
    first = _start({}, tmp_path)
    secrets_after_first = _local_secrets(tmp_path)
    second = _start({}, tmp_path)

    assert first.returncode == 0, first.stderr
    assert first.stdout.split()[:2] == ["False", "True"]
    assert second.returncode == 0
    assert _local_secrets(tmp_path) == secrets_after_first
    assert all(len(value) > 40 for value in secrets_after_first)
    assert oct((tmp_path / "credential.key").stat().st_mode & 0o777) == "0o600"


def test_a_malformed_setting_fails_loudly(tmp_path):
    result = _start({"BILLOGRAM_READ_TIMEOUT": "soon"}, tmp_path)

    assert result.returncode != 0
    assert "BILLOGRAM_READ_TIMEOUT must be a number" in result.stderr
