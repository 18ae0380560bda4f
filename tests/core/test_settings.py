"""Settings come from the environment; production refuses unsafe defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3y-" + "x9Qz!7pL" * 8,
    "ALLOWED_HOSTS": "portal.example.com",
    "DJANGO_SETTINGS_MODULE": "portal.settings",
}

# Variables the test run itself sets; a production process would not have them.
INHERITED_BY_TESTS = ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in INHERITED_BY_TESTS}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_missing_secret_key_in_production_fails_loudly(tmp_path):
    env = {**PRODUCTION, "SECRET_KEY": "", "PORTAL_VAR_DIR": str(tmp_path)}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_deploy_check_passes_without_warnings_in_production(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "PORTAL_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_development_run_needs_no_secret_key(tmp_path):
    result = run_manage("check", env={"DEBUG": "1", "SECRET_KEY": "", "PORTAL_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr


def test_defaults_are_sqlite_and_an_embedded_broker_under_var(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['NAME']); print(s.CELERY_BROKER_URL)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update({"DEBUG": "1", "PORTAL_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "portal.settings"})
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    database, broker = result.stdout.split()
    assert database == str(tmp_path / "portal.sqlite3")
    assert broker == "filesystem://"
    assert (tmp_path / "broker" / "queue").is_dir()


def test_bad_boolean_in_the_environment_is_refused(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be a boolean"):
        env_bool("SOME_FLAG", False)


def test_bad_integer_in_the_environment_is_refused(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be an integer"):
        env_int("SOME_NUMBER", 1)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example.com, b.example.com,")
    assert env_list("HOSTS", []) == ["a.example.com", "b.example.com"]


def test_a_rate_setting_fails_loudly_on_a_typo(monkeypatch):
    from portal.env import env_rate

    monkeypatch.setenv("SOME_RATE", "10/minute")
    assert env_rate("SOME_RATE", "1/second") == "10/minute"
    monkeypatch.setenv("SOME_RATE", "ten per minute")
    with pytest.raises(ImproperlyConfigured):
        env_rate("SOME_RATE", "1/second")


def test_redis_gets_a_visibility_timeout_longer_than_the_longest_task(tmp_path):
    env = {
        "DEBUG": "1",
        "PORTAL_VAR_DIR": str(tmp_path),
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    script = (
        "from django.conf import settings as s; "
        "print(s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'], s.LONGEST_TASK_SECONDS)"
    )
    result = run_manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    timeout, longest = map(int, result.stdout.strip().splitlines()[-1].split())
    assert longest < timeout < 3600, "kombu's default of an hour loses a killed worker's task for an hour"


def test_a_visibility_timeout_shorter_than_a_task_fails_loudly(tmp_path):
    env = {
        "DEBUG": "1",
        "PORTAL_VAR_DIR": str(tmp_path),
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CELERY_BROKER_VISIBILITY_TIMEOUT": "60",
    }
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "CELERY_BROKER_VISIBILITY_TIMEOUT must exceed the longest task" in result.stderr
