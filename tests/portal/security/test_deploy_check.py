"""`manage.py check --deploy` is clean with production settings (and is not with the demo's)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "portal.yunxi.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://portal.yunxi.gov.cn",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    # Personal data keys (portal/pii.py): without them check --deploy warns (pii.W001, pii.W002).
    "PII_ENCRYPTION_KEYS": ",".join(Fernet.generate_key().decode() for _ in range(2)),
    "PII_HASH_KEY": secrets.token_urlsafe(48),
}


def _check(extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION and k not in ("TWO_FACTOR_REQUIRED", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _check(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_personal_data_keys_are_missing_or_broken():
    missing = _check({k: v for k, v in PRODUCTION.items() if not k.startswith("PII_")})
    assert missing.returncode != 0
    assert "pii.W001" in missing.stdout + missing.stderr
    assert "pii.W002" in missing.stdout + missing.stderr
    broken = _check({**PRODUCTION, "PII_ENCRYPTION_KEYS": "not-a-fernet-key"})
    assert broken.returncode != 0
    assert "pii.E001" in broken.stdout + broken.stderr


def test_check_deploy_fails_on_the_demo_defaults():
    result = _check({"DEBUG": "true"})
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr  # DEBUG on
    assert "security.W009" in result.stdout + result.stderr  # the demo's SECRET_KEY
