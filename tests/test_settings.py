"""Settings come from the environment and fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from leora.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


def load_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with ``env`` and print a few values."""
    environment = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "LEORA_ENV", "DATABASE_URL"}
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "leora.settings", "LEORA_VAR_DIR": str(tmp_path), **env})
    code = (
        "from django.conf import settings as s; db = s.DATABASES['default'];"
        "print(s.DEBUG, db['ENGINE'], db.get('NAME'), bool(s.SECRET_KEY))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_development_defaults_to_a_sqlite_file_under_var_and_generates_a_secret(tmp_path: Path) -> None:
    result = load_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.db.backends.sqlite3",
        str(tmp_path / "leora.sqlite3"),
        "True",
    ]
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 40
    assert load_settings(tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = load_settings(tmp_path, LEORA_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_reads_postgres_from_database_url(tmp_path: Path) -> None:
    result = load_settings(
        tmp_path,
        LEORA_ENV="production",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://leora@db.internal:5432/leora",
        ALLOWED_HOSTS="crm.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.postgresql", "leora", "True"]


def test_an_unknown_environment_name_is_an_error(tmp_path: Path) -> None:
    result = load_settings(tmp_path, LEORA_ENV="staging-ish")
    assert "LEORA_ENV must be development, production or test" in result.stderr


def test_env_bool_rejects_a_typo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be a boolean"):
        env_bool("SOME_FLAG")


def test_env_int_rejects_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be an integer"):
        env_int("SOME_NUMBER", 1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_HOSTS", "a.example, b.example,,")
    assert env_list("SOME_HOSTS", []) == ["a.example", "b.example"]


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(db: None) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_the_default_cache_is_a_database_table_shared_by_every_process(tmp_path: Path) -> None:
    code = "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "leora.settings", "LEORA_VAR_DIR": str(tmp_path)}
    environment.pop("CACHE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, cwd=ROOT, capture_output=True, text=True
    )
    assert result.stdout.strip() == "django.core.cache.backends.db.DatabaseCache"


def test_cache_url_points_the_cache_at_redis(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); from django.core.cache import caches; cache = caches['default'];"
        "cache.set('leora-check', 42, 30); print(type(cache).__name__, cache.get('leora-check'))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "leora.settings",
        "LEORA_VAR_DIR": str(tmp_path),
        "CACHE_URL": "redis://127.0.0.1:6379/15",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, cwd=ROOT, capture_output=True, text=True
    )
    assert result.stdout.split() == ["RedisCache", "42"], result.stderr


def test_an_unknown_cache_scheme_is_an_error(tmp_path: Path) -> None:
    result = load_settings(tmp_path, CACHE_URL="memcached://x")
    assert "CACHE_URL must start with db://, redis:// or locmem://" in result.stderr
